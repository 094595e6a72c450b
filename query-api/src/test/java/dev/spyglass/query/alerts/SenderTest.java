package dev.spyglass.query.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.metrics.MeterProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Notification requests over real HTTP: a timeout per attempt, retries, a verdict that never
 * throws.
 */
class SenderTest {
  private HttpServer server;
  private final AtomicInteger attempts = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private volatile int hangFirst;
  private volatile int status = 200;
  private final ClientFactory clients = ClientFactory.builder().build();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          int attempt = attempts.incrementAndGet();
          bodies.add(
              exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (attempt <= hangFirst) {
            try {
              Thread.sleep(3000); // longer than the attempt's timeout
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    clients.closeAsync();
  }

  private Sender sender(String path, int retries) {
    return new Sender(
        new Receiver(
            "test",
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
            Duration.ofMillis(500),
            retries,
            Duration.ofHours(4)),
        clients,
        MeterProvider.noop().get("test"),
        LoggerFactory.getLogger("test"));
  }

  @Test
  void anAttemptPastItsTimeout_isRetried_andDelivered() throws Exception {
    hangFirst = 1;
    boolean delivered =
        sender("/hook?token=1", 2)
            .post("", "[1]".getBytes(StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS);
    assertThat(delivered).isTrue();
    assertThat(attempts.get()).isEqualTo(2);
    assertThat(bodies).allMatch(b -> b.equals("/hook?token=1 application/json; charset=utf-8 [1]"));
  }

  @Test
  void aReceiverThatKeepsFailing_getsItsRetries_thenAVerdictOfFalse() throws Exception {
    status = 503;
    boolean delivered =
        sender("/am/", 2)
            .post("/api/v2/alerts", "[]".getBytes(StandardCharsets.UTF_8))
            .get(20, TimeUnit.SECONDS);
    assertThat(delivered).isFalse();
    assertThat(attempts.get()).isEqualTo(3);
    assertThat(bodies.getFirst()).startsWith("/am/api/v2/alerts ");
  }

  @Test
  void aBadRequest_isNotRetried() throws Exception {
    status = 400;
    assertThat(
            sender("", 3).post("", "{}".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS))
        .isFalse();
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(bodies.getFirst()).startsWith("/ ");
  }
}
