package dev.spyglass.processor.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.processor.RecordView;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionParserTest {
  private static final Resource RESOURCE =
      Resource.newBuilder().addAttributes(kv("service.name", "checkout")).build();

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static RecordView log(SeverityNumber severity, String body, KeyValue... attributes) {
    LogRecord record =
        LogRecord.newBuilder()
            .setSeverityNumber(severity)
            .setBody(AnyValue.newBuilder().setStringValue(body))
            .build();
    return new RecordView(
        Signal.LOGS,
        RESOURCE,
        InstrumentationScope.getDefaultInstance(),
        "",
        List.of(attributes),
        ByteString.EMPTY,
        record);
  }

  private static RecordView span(String name, long duration, KeyValue... attributes) {
    Span span =
        Span.newBuilder()
            .setName(name)
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(1000)
            .setEndTimeUnixNano(1000 + duration)
            .build();
    return new RecordView(
        Signal.TRACES,
        RESOURCE,
        InstrumentationScope.getDefaultInstance(),
        name,
        List.of(attributes),
        ByteString.EMPTY,
        span);
  }

  @Test
  void evaluates_comparisonsMatchesExistsAndEnums() {
    RecordView debug =
        log(SeverityNumber.SEVERITY_NUMBER_DEBUG, "GET /healthz ok", kv("http.route", "/healthz"));
    RecordView error = log(SeverityNumber.SEVERITY_NUMBER_ERROR, "payment failed");

    assertThat(ConditionParser.parse("severity_number < SEVERITY_NUMBER_WARN").test(debug))
        .isTrue();
    assertThat(ConditionParser.parse("severity_number < SEVERITY_NUMBER_WARN").test(error))
        .isFalse();
    assertThat(ConditionParser.parse("IsMatch(body, \"health\")").test(debug)).isTrue();
    assertThat(ConditionParser.parse("body =~ \"^pay\"").test(error)).isTrue();
    assertThat(ConditionParser.parse("exists(attributes[\"http.route\"])").test(debug)).isTrue();
    assertThat(ConditionParser.parse("exists(attributes[\"http.route\"])").test(error)).isFalse();
    assertThat(
            ConditionParser.parse("resource.attributes[\"service.name\"] == \"checkout\"")
                .test(error))
        .isTrue();
    assertThat(
            ConditionParser.parse("not (resource.attributes[\"service.name\"] != \"checkout\")")
                .test(error))
        .isTrue();
    assertThat(ConditionParser.parse("attributes[\"missing\"] == nil").test(error)).isTrue();

    RecordView slow = span("GET /cart", 5_000_000);
    assertThat(ConditionParser.parse("kind == SPAN_KIND_SERVER and duration > 1000000").test(slow))
        .isTrue();
    assertThat(
            ConditionParser.parse("name == \"x\" or name == \"GET /cart\" and duration < 10")
                .test(slow))
        .isFalse();
    assertThat(
            ConditionParser.parse("(name == \"x\" or name == \"GET /cart\") and duration > 10")
                .test(slow))
        .isTrue();
  }

  @Test
  void orderingAcrossTypes_cannotBeEvaluated() {
    RecordView record = log(SeverityNumber.SEVERITY_NUMBER_INFO, "x", kv("size", "big"));
    Condition condition = ConditionParser.parse("attributes[\"size\"] > 10");
    assertThatThrownBy(() -> condition.test(record))
        .isInstanceOf(Condition.EvaluationException.class)
        .hasMessageContaining("attributes[\"size\"] is a string");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "name = \"x\"|at character 6 of 'name = \"x\"': expected ==, !=, <, <=, >, >= or =~, found '='",
        "attributes[\"k\" == 1|at character 16 of 'attributes[\"k\" == 1': expected ']', found '=='",
        "colour == \"red\"|at character 1 of 'colour == \"red\"': unknown path 'colour'",
        "body == \"open|at character 9 of 'body == \"open': unterminated string",
        "body =~ \"(\"|at character 9 of 'body =~ \"(\"': invalid regular expression",
        "severity_number < SEVERITY_NUMBER_LOUD|at character 19 of 'severity_number < SEVERITY_NUMBER_LOUD': unknown constant SEVERITY_NUMBER_LOUD",
        "name == red|at character 9 of 'name == red': expected a value, found 'red' (strings go in double quotes)",
        "name == \"a\" name == \"b\"|at character 13 of 'name == \"a\" name == \"b\"': expected 'and', 'or' or the end of the condition, found 'name'",
        "(name == \"a\"|at character 13 of '(name == \"a\"': expected ')', found the end"
      })
  void syntaxErrors_pointAtTheCharacter(String condition, String message) {
    assertThatThrownBy(() -> ConditionParser.parse(condition))
        .isInstanceOf(ConditionParser.SyntaxException.class)
        .hasMessageStartingWith(message);
  }
}
