package dev.spyglass.bench.jmh;

import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.storage.embedded.StoreIndexing;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ingest hot paths, per request of 500 Loghub log records: OTLP decode (protobuf and JSON), and
 * mapping to Lucene documents.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmarks {
  static final int RECORDS = 500;

  byte[] protobuf;
  byte[] json;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path loghub = Path.of(System.getProperty("spyglass.loghub", "../shared/data/loghub"));
    ExportLogsServiceRequest request =
        new LogGenerator(LoghubCorpus.read(loghub), Timeline.live(), 1, id -> {}).next(RECORDS);
    protobuf = request.toByteArray();
    json = OtlpJson.write(request).getBytes(StandardCharsets.UTF_8);
  }

  /** Requests of 500 records decoded per second from protobuf. */
  @Benchmark
  public ExportLogsServiceRequest decodeProtobuf() throws IOException {
    return ExportLogsServiceRequest.parseFrom(protobuf);
  }

  /** Requests of 500 records decoded per second from OTLP/JSON (hex ids). */
  @Benchmark
  public ExportLogsServiceRequest decodeJson() throws IOException {
    return OtlpJson.read(json, ExportLogsServiceRequest.newBuilder()).build();
  }

  /** Requests of 500 records mapped per second to the store's Lucene documents. */
  @Benchmark
  public List<Document> mapDocuments() {
    return StoreIndexing.documents(Signal.LOGS, protobuf, 1);
  }
}
