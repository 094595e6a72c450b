package dev.spyglass.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook on a free loopback port that keeps every JSON body posted to it, by path. */
final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Received(String path, JsonNode body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();

  /** Answer this many requests with 503 first, to make the sender retry. */
  final AtomicInteger failNext = new AtomicInteger();

  private final HttpServer server;

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
          }
          received.add(new Received(exchange.getRequestURI().getPath(), JSON.readTree(body)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The bodies posted to {@code path}, oldest first. */
  List<JsonNode> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).map(Received::body).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
