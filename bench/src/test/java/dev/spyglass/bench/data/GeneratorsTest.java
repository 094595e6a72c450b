package dev.spyglass.bench.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
  static final Path LOGHUB = Path.of("../../shared/data/loghub");

  @Test
  void csvRowsWithQuotesAndCommasSplitAsRfc4180() {
    assertThat(Csv.split("1,\"a, b\",\"say \"\"hi\"\"\","))
        .containsExactly("1", "a, b", "say \"hi\"", "");
  }

  @Test
  void theCorpusHasEveryLoghubLineWithItsServiceAndSeverity() {
    LoghubCorpus corpus = LoghubCorpus.read(LOGHUB);
    assertThat(corpus.lines()).hasSize(16_000);
    assertThat(corpus.lines().stream().map(LoghubCorpus.Line::service).distinct())
        .containsExactlyInAnyOrder(
            "Android", "Apache", "HDFS", "HealthApp", "Linux", "OpenSSH", "Spark", "Zookeeper");
    LoghubCorpus.Line hdfs =
        corpus.lines().stream().filter(l -> l.service().equals("HDFS")).findFirst().orElseThrow();
    assertThat(hdfs.severityText()).isEqualTo("INFO");
    assertThat(hdfs.severityNumber()).isEqualTo(9);
    assertThat(hdfs.body()).startsWith("PacketResponder 1 for block blk_38865049064139660");
    // Linux's "Level" column holds the host name ("combo"): not a severity.
    assertThat(
            corpus.lines().stream()
                .filter(l -> l.service().equals("Linux"))
                .map(LoghubCorpus.Line::severityNumber)
                .distinct())
        .containsExactly(0);
  }

  @Test
  void logBatchesCarryCorpusBodiesAndSomeTraceContext() {
    List<String> sampled = new ArrayList<>();
    LogGenerator generator =
        new LogGenerator(LoghubCorpus.read(LOGHUB), Timeline.live(), 1, sampled::add);
    int withTrace = 0;
    int total = 0;
    for (int i = 0; i < 50; i++) {
      ExportLogsServiceRequest request = generator.next(500);
      for (var resource : request.getResourceLogsList()) {
        assertThat(resource.getResource().getAttributesList())
            .anyMatch(a -> a.getKey().equals("service.name"));
        for (LogRecord record : resource.getScopeLogs(0).getLogRecordsList()) {
          total++;
          assertThat(record.getBody().getStringValue()).isNotEmpty();
          if (!record.getTraceId().isEmpty()) {
            withTrace++;
          }
        }
      }
    }
    assertThat(total).isEqualTo(25_000);
    assertThat(withTrace).isBetween(total / 4, total * 2 / 5);
    assertThat(sampled).isNotEmpty().allMatch(id -> id.matches("[0-9a-f]{32}"));
  }

  @Test
  void tracesHaveNoOrphansTenServicesAndSomeErrors() {
    TraceGenerator generator = new TraceGenerator(Timeline.live(), 5);
    Map<ByteString, Set<ByteString>> spansByTrace = new HashMap<>();
    List<Span> all = new ArrayList<>();
    Set<String> services = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      ExportTraceServiceRequest request = generator.next(500);
      for (var resource : request.getResourceSpansList()) {
        services.add(resource.getResource().getAttributes(0).getValue().getStringValue());
        for (Span span : resource.getScopeSpans(0).getSpansList()) {
          all.add(span);
          spansByTrace
              .computeIfAbsent(span.getTraceId(), t -> new HashSet<>())
              .add(span.getSpanId());
        }
      }
    }
    assertThat(services).hasSize(10);
    for (Span span : all) {
      if (!span.getParentSpanId().isEmpty()) {
        assertThat(spansByTrace.get(span.getTraceId())).contains(span.getParentSpanId());
      }
    }
    long errors =
        all.stream()
            .filter(s -> s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR)
            .count();
    assertThat(errors).isPositive().isLessThan(all.size() / 20);
    assertThat(all)
        .anyMatch(
            s -> s.getAttributesList().stream().anyMatch(a -> a.getKey().equals("http.route")))
        .anyMatch(
            s -> s.getAttributesList().stream().anyMatch(a -> a.getKey().equals("db.system.name")));
  }
}
