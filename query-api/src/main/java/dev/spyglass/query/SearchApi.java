package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.QueryTerms;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/{logs|spans|metrics}/search} and {@code GET /api/v1/fields}: records matching
 * a Lucene query in a time range, a page at a time, newest first by default.
 */
final class SearchApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
  static final JsonFactory JSON = new JsonFactory();

  private final Stores stores;
  private final Times times;

  SearchApi(Stores stores, Times times) {
    this.stores = stores;
    this.times = times;
  }

  @Get("regex:^/api/v1/(?<signal>logs|spans|metrics)/search$")
  @Blocking
  public HttpResponse search(@Param("signal") String signalName, QueryParams query)
      throws IOException {
    long started = System.nanoTime();
    Params params = new Params(query);
    Signal signal = Signals.parse(signalName);
    String q = QueryGuard.check(params.string("q", ""));
    Times.Range range = times.range(params);
    long start = range.start();
    long end = range.end();
    int limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    boolean oldestFirst = oldestFirst(params.string("sort", ""));
    Optional<Cursor> cursor = cursor(params.string("cursor", ""));
    SearchResult result =
        stores
            .get()
            .reader()
            .search(
                new SearchRequest(
                    signal, q, start, end, limit, cursor, oldestFirst, QUERY_TIMEOUT));
    Set<String> bodyTerms = signal == Signal.LOGS ? QueryTerms.of(q, "body") : Set.of();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("total", result.total());
      json.writeArrayFieldStart("hits");
      for (StoredRecord hit : result.hits()) {
        RecordJson.write(json, hit, highlight(hit, bodyTerms));
      }
      json.writeEndArray();
      if (result.next().isPresent()) {
        json.writeStringField("next_cursor", result.next().get().encode());
      } else {
        json.writeNullField("next_cursor");
      }
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeBooleanField("partial", result.partial());
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  @Get("/api/v1/fields")
  @Blocking
  public HttpResponse fields(QueryParams query) throws IOException {
    Signal signal = Signals.parse(new Params(query).string("signal", "logs"));
    Map<String, FieldKind> fields = stores.get().reader().fields(signal);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("signal", Signals.name(signal));
      json.writeArrayFieldStart("fields");
      for (Map.Entry<String, FieldKind> field : fields.entrySet()) {
        json.writeStartObject();
        json.writeStringField("name", field.getKey());
        json.writeStringField("type", field.getValue().name().toLowerCase(Locale.ROOT));
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  static boolean oldestFirst(String sort) {
    return switch (sort.strip()) {
      case "", "newest", "timestamp:desc", "-timestamp" -> false;
      case "oldest", "timestamp:asc", "timestamp" -> true;
      default ->
          throw ApiException.badRequest(
              "invalid_sort",
              "sort must be newest (timestamp:desc, the default) or oldest (timestamp:asc)");
    };
  }

  static Optional<Cursor> cursor(String token) {
    if (token.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Cursor.decode(token.strip()));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid_cursor", e.getMessage() + "; use next_cursor from a previous page");
    }
  }

  private static RecordJson.FieldWriter highlight(StoredRecord hit, Set<String> terms) {
    if (terms.isEmpty()) {
      return RecordJson.FieldWriter.NONE;
    }
    Object record = RecordJson.decode(hit).record();
    if (!(record instanceof LogRecord log)) {
      return RecordJson.FieldWriter.NONE;
    }
    String highlighted = Highlights.highlight(log.getBody().getStringValue(), terms);
    if (highlighted == null) {
      return RecordJson.FieldWriter.NONE;
    }
    return json -> {
      json.writeObjectFieldStart("highlight");
      json.writeStringField("body", highlighted);
      json.writeEndObject();
    };
  }
}
