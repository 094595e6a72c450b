package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The trust boundary's decoders, fed random and mutated input: each either decodes or refuses with
 * its own checked exception (which the receiver turns into a 400) — never anything else.
 */
class DecoderFuzzTest {
  private static final byte[] EXAMPLE = example("logs.json");

  private static byte[] example(String name) {
    try (InputStream in = DecoderFuzzTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 2000)
  void protobufDecoder_decodesOrRefuses(@ForAll @Size(max = 512) byte[] body) {
    for (OtlpSignal<?> signal : signals()) {
      try {
        signal.parseProtobuf(body);
      } catch (InvalidProtocolBufferException expected) {
        // refused: a 400
      }
    }
  }

  @Property(tries = 2000)
  void jsonDecoder_decodesOrRefuses_mutatedExamples(@ForAll("mutatedJson") byte[] body) {
    for (OtlpSignal<?> signal : signals()) {
      try {
        signal.parseJson(body);
      } catch (InvalidProtocolBufferException expected) {
        // refused: a 400
      }
    }
  }

  @Property(tries = 1000)
  void jsonDecoder_decodesOrRefuses_randomText(@ForAll @Size(max = 256) String text) {
    try {
      OtlpSignal.TRACES.parseJson(text.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException expected) {
      // refused: a 400
    }
  }

  @Property(tries = 1000)
  void bodyDecoder_decodesOrRefuses(
      @ForAll @Size(max = 512) byte[] body, @ForAll("encodings") String encoding) {
    try {
      byte[] decoded = RequestBody.decode(body, encoding, 4096);
      assertThat(decoded.length).isLessThanOrEqualTo(4096);
    } catch (IOException expected) {
      // corrupt or too large: a 400 or 413
    }
  }

  @Provide
  Arbitrary<byte[]> mutatedJson() {
    return Arbitraries.integers()
        .between(0, EXAMPLE.length - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8)
        .flatMap(
            positions ->
                Arbitraries.bytes()
                    .list()
                    .ofSize(positions.size())
                    .map(
                        values -> {
                          byte[] mutated = EXAMPLE.clone();
                          for (int i = 0; i < positions.size(); i++) {
                            mutated[positions.get(i)] = values.get(i);
                          }
                          return mutated;
                        }));
  }

  @Provide
  Arbitrary<String> encodings() {
    return Arbitraries.of("gzip", "deflate", "zstd", "identity");
  }

  private static java.util.List<OtlpSignal<?>> signals() {
    return java.util.List.of(OtlpSignal.TRACES, OtlpSignal.METRICS, OtlpSignal.LOGS);
  }
}
