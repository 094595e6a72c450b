package dev.spyglass.bench.data;

import static dev.spyglass.bench.data.LogGenerator.attribute;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Traces shaped like a ten-service shop (the OpenTelemetry demo's shape): a frontend request fans
 * out over HTTP and gRPC to cart, checkout, catalog and others, which call Redis and PostgreSQL;
 * about 2% of payments fail and mark their trace as an error. Attributes follow the semantic
 * conventions.
 */
public final class TraceGenerator implements Generator {
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("io.opentelemetry.demo").setVersion("1.0").build();
  private static final String[] ROUTES = {
    "/api/cart", "/api/checkout", "/api/products/{id}", "/api/recommendations", "/api/ads"
  };

  private final Timeline timeline;
  private final SplittableRandom random;
  private final Map<String, List<Span>> byService = new LinkedHashMap<>();

  public TraceGenerator(Timeline timeline, long seed) {
    this.timeline = timeline;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public ExportTraceServiceRequest next(int records) {
    byService.clear();
    int spans = 0;
    while (spans < records) {
      spans += trace();
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach(
        (service, list) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(attribute("service.name", service))
                            .addAttributes(attribute("service.version", "2.1.0"))
                            .addAttributes(attribute("k8s.pod.name", service + "-7d9f-" + 1)))
                    .addScopeSpans(ScopeSpans.newBuilder().setScope(SCOPE).addAllSpans(list))));
    return request.build();
  }

  /** Adds one trace; returns its span count. */
  private int trace() {
    ByteString traceId = LogGenerator.id(random.nextLong(), random.nextLong());
    long start = timeline.next();
    String route = ROUTES[random.nextInt(ROUTES.length)];
    boolean failed = route.equals("/api/checkout") && random.nextInt(10) == 0;
    Call root = new Call(traceId, ByteString.EMPTY, "frontend");
    long end = start + 5_000_000L + random.nextInt(20_000_000);
    int before = spanCount();
    switch (route) {
      case "/api/cart" -> rpc(root, "cart", "oteldemo.CartService/GetCart", start, false);
      case "/api/checkout" -> {
        Call checkout = rpc(root, "checkout", "oteldemo.CheckoutService/PlaceOrder", start, failed);
        rpc(checkout, "cart", "oteldemo.CartService/GetCart", start + 1_000_000, false);
        rpc(checkout, "currency", "oteldemo.CurrencyService/Convert", start + 2_000_000, false);
        rpc(checkout, "payment", "oteldemo.PaymentService/Charge", start + 3_000_000, failed);
        if (!failed) {
          rpc(checkout, "shipping", "oteldemo.ShippingService/ShipOrder", start + 4_000_000, false);
          rpc(
              checkout,
              "email",
              "oteldemo.EmailService/SendConfirmation",
              start + 5_000_000,
              false);
        }
      }
      case "/api/products/{id}" -> {
        rpc(root, "product-catalog", "oteldemo.ProductCatalogService/GetProduct", start, false);
        rpc(root, "currency", "oteldemo.CurrencyService/Convert", start + 1_000_000, false);
      }
      case "/api/recommendations" ->
          rpc(
              root,
              "recommendation",
              "oteldemo.RecommendationService/ListRecommendations",
              start,
              false);
      default -> rpc(root, "ad", "oteldemo.AdService/GetAds", start, false);
    }
    boolean get = route.startsWith("/api/products");
    add(
        root,
        root.span(
                (get ? "GET " : "POST ") + route,
                Span.SpanKind.SPAN_KIND_SERVER,
                start,
                end,
                failed)
            .addAttributes(attribute("http.request.method", get ? "GET" : "POST"))
            .addAttributes(attribute("http.route", route))
            .addAttributes(attribute("url.scheme", "https"))
            .addAttributes(integer("http.response.status_code", failed ? 500 : 200)));
    return spanCount() - before;
  }

  /**
   * A client span in {@code from}, the server span in {@code to} (and a database span below it);
   * returns the server side, for further calls from it.
   */
  private Call rpc(Call from, String to, String method, long start, boolean failed) {
    long end = start + 500_000L + random.nextInt(8_000_000);
    Call client = from.child(from.service);
    add(
        client,
        client
            .span(method, Span.SpanKind.SPAN_KIND_CLIENT, start, end, failed)
            .addAttributes(attribute("rpc.system", "grpc"))
            .addAttributes(attribute("rpc.method", method.substring(method.indexOf('/') + 1)))
            .addAttributes(attribute("server.address", to)));
    Call server = client.child(to);
    add(
        server,
        server
            .span(method, Span.SpanKind.SPAN_KIND_SERVER, start + 100_000, end - 100_000, failed)
            .addAttributes(attribute("rpc.system", "grpc"))
            .addAttributes(attribute("rpc.service", method.substring(0, method.indexOf('/'))))
            .addAttributes(integer("rpc.grpc.status_code", failed ? 13 : 0)));
    if (to.equals("cart") || to.equals("product-catalog")) {
      boolean redis = to.equals("cart");
      Call db = server.child(to);
      add(
          db,
          db.span(
                  redis ? "HGET" : "SELECT products",
                  Span.SpanKind.SPAN_KIND_CLIENT,
                  start + 200_000,
                  start + 600_000,
                  false)
              .addAttributes(attribute("db.system.name", redis ? "redis" : "postgresql"))
              .addAttributes(attribute("db.operation.name", redis ? "HGET" : "SELECT")));
    }
    return server;
  }

  private void add(Call call, Span.Builder span) {
    byService.computeIfAbsent(call.service, s -> new ArrayList<>()).add(span.build());
  }

  private int spanCount() {
    int count = 0;
    for (List<Span> spans : byService.values()) {
      count += spans.size();
    }
    return count;
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  /** A span to be: its ids, its parent and the service it runs in. */
  private final class Call {
    final ByteString traceId;
    final ByteString parent;
    final ByteString spanId;
    final String service;

    Call(ByteString traceId, ByteString parent, String service) {
      this.traceId = traceId;
      this.parent = parent;
      this.spanId = ByteString.copyFrom(LogGenerator.bytes(random.nextLong()));
      this.service = service;
    }

    Call child(String childService) {
      return new Call(traceId, spanId, childService);
    }

    Span.Builder span(String name, Span.SpanKind kind, long start, long end, boolean failed) {
      return Span.newBuilder()
          .setTraceId(traceId)
          .setSpanId(spanId)
          .setParentSpanId(parent)
          .setName(name)
          .setKind(kind)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(end)
          .setStatus(
              failed
                  ? Status.newBuilder()
                      .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                      .setMessage("payment declined")
                  : Status.newBuilder());
    }
  }
}
