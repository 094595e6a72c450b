package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.TelemetryReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /api/v1/{signal}/export?q=&start=&end=&format=}: every matching record, streamed a
 * page at a time with back-pressure, so memory stays constant whatever the size. Formats: {@code
 * ndjson} (the search hit JSON, one per line), {@code csv}, {@code otlp-json} and {@code
 * otlp-proto} — valid {@code Export*ServiceRequest} bodies any OTLP receiver accepts.
 */
final class ExportApi {
  private static final int PAGE = 1000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Readers readers;
  private final Times times;

  ExportApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  enum Format {
    NDJSON(MediaType.parse("application/x-ndjson"), "ndjson"),
    CSV(MediaType.CSV_UTF_8, "csv"),
    OTLP_JSON(MediaType.JSON_UTF_8, "json"),
    OTLP_PROTO(MediaType.create("application", "x-protobuf"), "pb");

    final MediaType type;
    final String extension;

    Format(MediaType type, String extension) {
      this.type = type;
      this.extension = extension;
    }

    static Format parse(String name) {
      return switch (name) {
        case "", "ndjson" -> NDJSON;
        case "csv" -> CSV;
        case "otlp-json" -> OTLP_JSON;
        case "otlp-proto" -> OTLP_PROTO;
        default ->
            throw ApiException.badRequest(
                "invalid_format",
                "format must be ndjson, csv, otlp-json or otlp-proto, got '" + name + "'");
      };
    }
  }

  @Get("regex:^/api/v1/(?<signal>logs|spans|metrics)/export$")
  public HttpResponse export(
      ServiceRequestContext ctx, @Param("signal") String signalName, QueryParams query) {
    Params params = new Params(query);
    Signal signal = Signals.parse(signalName);
    String q = QueryGuard.check(params.string("q", ""));
    Times.Range range = times.range(params);
    long start = range.start();
    long end = range.end();
    Format format = Format.parse(params.string("format", "ndjson"));
    // OTLP formats carry each log record's pattern as two attributes, unless asked for the records
    // exactly as they were received (patterns=false: a faithful copy to replay elsewhere).
    boolean patterns = params.bool("patterns", true);
    TelemetryReader reader = readers.get();
    // The first page under the query deadline, so that a refused or hopeless query is a JSON error
    // and not a broken stream; the rest streams without one, a page at a time.
    ExportRequest request =
        new ExportRequest(signal, q, start, end, PAGE, Optional.empty(), readers.deadline());
    ExportPage first;
    try {
      first = reader.export(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (first.partial()) {
      throw QueryTimeouts.nothingInTime("the export's first page");
    }

    ctx.clearRequestTimeout();
    HttpResponseWriter response = HttpResponse.streaming();
    response.write(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(format.type)
            .set(
                HttpHeaderNames.CONTENT_DISPOSITION,
                "attachment; filename=\"" + signalName + "." + format.extension + "\"")
            .build());
    // Not the API's query threads (extensions.api.max_concurrent_queries): a stream waits on its
    // client between pages, and a slow client must not hold one of the few threads reads share.
    com.linecorp.armeria.common.CommonPools.blockingTaskExecutor()
        .execute(
            ctx.makeContextAware(() -> stream(reader, request, first, format, patterns, response)));
    return response;
  }

  private static void stream(
      TelemetryReader reader,
      ExportRequest request,
      ExportPage first,
      Format format,
      boolean patterns,
      HttpResponseWriter response) {
    try {
      write(response, prefix(request.signal(), format));
      ExportPage page = first;
      boolean firstRecord = true;
      while (true) {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        for (StoredRecord record : page.records()) {
          writeRecord(chunk, record, format, firstRecord, patterns);
          firstRecord = false;
        }
        write(response, chunk.toByteArray());
        // Back-pressure: wait until the client has taken this page before reading the next.
        response.whenConsumed().join();
        if (page.next().isEmpty() || !response.isOpen()) {
          break;
        }
        page = reader.export(request.next(page, Deadline.NONE));
      }
      write(response, suffix(format));
      response.close();
    } catch (RuntimeException | IOException e) {
      response.close(e);
    }
  }

  private static void write(HttpResponseWriter response, byte[] bytes) {
    if (bytes.length > 0 && response.isOpen()) {
      response.write(HttpData.wrap(bytes));
    }
  }

  private static byte[] prefix(Signal signal, Format format) {
    return switch (format) {
      case CSV ->
          (String.join(",", Csv.columns(signal)) + "\r\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      case OTLP_JSON ->
          ("{\"" + resourceKey(signal) + "\":[").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      default -> new byte[0];
    };
  }

  private static byte[] suffix(Format format) {
    return format == Format.OTLP_JSON
        ? "]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : new byte[0];
  }

  private static void writeRecord(
      ByteArrayOutputStream out,
      StoredRecord record,
      Format format,
      boolean first,
      boolean patterns)
      throws IOException {
    switch (format) {
      case NDJSON -> {
        try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
          json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
          RecordJson.write(json, record, RecordJson.FieldWriter.NONE);
        }
        out.write('\n');
      }
      case CSV -> out.write(Csv.row(record).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      // Concatenated protobuf messages of one type merge: their repeated fields append.
      case OTLP_PROTO -> otlp(record, patterns).writeTo(out);
      case OTLP_JSON -> {
        if (!first) {
          out.write(',');
        }
        JsonNode request = MAPPER.readTree(OtlpJson.write(otlp(record, patterns)));
        out.write(MAPPER.writeValueAsBytes(request.get(resourceKey(record.signal())).get(0)));
      }
    }
  }

  private static com.google.protobuf.Message otlp(StoredRecord record, boolean patterns) {
    return patterns ? ExportedRecords.request(record) : record.toRequest();
  }

  private static String resourceKey(Signal signal) {
    return switch (signal) {
      case LOGS -> "resourceLogs";
      case TRACES -> "resourceSpans";
      case METRICS -> "resourceMetrics";
    };
  }
}
