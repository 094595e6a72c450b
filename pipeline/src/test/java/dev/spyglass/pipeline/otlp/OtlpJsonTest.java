package dev.spyglass.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  @Test
  void write_printsIdsAsHex_andReadsBackToTheSameMessage() throws Exception {
    HexFormat hex = HexFormat.of();
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(
                                        ByteString.copyFrom(
                                            hex.parseHex("5b8efff798038103d269b633813fc60c")))
                                    .setSpanId(
                                        ByteString.copyFrom(hex.parseHex("eee19b7ec3c1b174")))
                                    .setParentSpanId(
                                        ByteString.copyFrom(hex.parseHex("eee19b7ec3c1b173")))
                                    .setName("GET /")
                                    .setStartTimeUnixNano(1544712660000000000L)
                                    .addLinks(
                                        Span.Link.newBuilder()
                                            .setTraceId(
                                                ByteString.copyFrom(
                                                    hex.parseHex(
                                                        "00000000000000000000000000000001")))
                                            .setSpanId(
                                                ByteString.copyFrom(
                                                    hex.parseHex("0000000000000002")))))))
            .build();

    String json = OtlpJson.write(request);

    assertThat(json)
        .contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\"")
        .contains("\"spanId\":\"eee19b7ec3c1b174\"")
        .contains("\"parentSpanId\":\"eee19b7ec3c1b173\"")
        .contains("\"spanId\":\"0000000000000002\"")
        .contains("\"startTimeUnixNano\":\"1544712660000000000\"");
    assertThat(
            OtlpJson.read(
                    json.getBytes(StandardCharsets.UTF_8), ExportTraceServiceRequest.newBuilder())
                .build())
        .isEqualTo(request);
  }
}
