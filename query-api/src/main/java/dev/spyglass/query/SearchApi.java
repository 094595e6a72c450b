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
import dev.spyglass.storage.SearchHit;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/{logs|spans|metrics}/search} and {@code GET /api/v1/fields}: records matching
 * a Lucene query in a time range, a page at a time, newest first by default.
 */
final class SearchApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final JsonFactory JSON = new JsonFactory();

  private final Readers readers;
  private final Times times;

  SearchApi(Readers readers, Times times) {
    this.readers = readers;
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
        readers
            .get()
            .search(
                SearchRequest.of(signal, q, start, end, limit)
                    .withAfter(cursor)
                    .withOldestFirst(oldestFirst)
                    .withHighlight(true)
                    .withDeadline(readers.deadline()));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("total", result.total());
      json.writeArrayFieldStart("hits");
      for (SearchHit hit : result.hits()) {
        RecordJson.write(json, hit.record(), highlight(hit));
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
    Map<String, FieldKind> fields = readers.get().fields(signal);
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

  private static RecordJson.FieldWriter highlight(SearchHit hit) {
    if (hit.highlights().isEmpty()) {
      return RecordJson.FieldWriter.NONE;
    }
    return json -> {
      json.writeObjectFieldStart("highlight");
      for (Map.Entry<String, String> field : new java.util.TreeMap<>(hit.highlights()).entrySet()) {
        json.writeStringField(field.getKey(), field.getValue());
      }
      json.writeEndObject();
    };
  }
}
