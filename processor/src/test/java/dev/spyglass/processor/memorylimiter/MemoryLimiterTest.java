package dev.spyglass.processor.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.testing.TestData;
import io.opentelemetry.api.metrics.MeterProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MemoryLimiterTest {

  @Test
  void refusesAsRetryable_aboveTheSoftLimit_andAcceptsAgainBelowIt() {
    AtomicLong used = new AtomicLong(100L << 20);
    MemoryLimiter limiter =
        new MemoryLimiter(
            new ComponentSettings(
                ComponentId.of("memory_limiter"),
                ComponentKind.PROCESSOR,
                Optional.of("logs"),
                LoggerFactory.getLogger("memory_limiter"),
                MeterProvider.noop().get("t")),
            new MemoryLimiterConfig(Duration.ofSeconds(1), 1000, 200, 0, 0),
            batch -> CompletableFuture.completedFuture(null),
            used::get,
            4096L << 20);

    limiter.measure();
    assertThat(limiter.consume(TestData.logs(1))).isCompleted();

    used.set(801L << 20); // soft limit: 1000 - 200 MiB
    limiter.measure();
    assertThat(limiter.consume(TestData.logs(1)))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(RetryableException.class);

    used.set(500L << 20);
    limiter.measure();
    assertThat(limiter.consume(TestData.logs(1))).isCompleted();
  }

  @Test
  void limits_comeFromMibOrPercentages() {
    MemoryLimiterConfig mib = new MemoryLimiterConfig(Duration.ofSeconds(1), 1000, 0, 0, 0);
    assertThat(mib.hardLimit(0)).isEqualTo(1000L << 20);
    assertThat(mib.softLimit(0)).isEqualTo(800L << 20);
    MemoryLimiterConfig percent = new MemoryLimiterConfig(Duration.ofSeconds(1), 0, 0, 80, 20);
    assertThat(percent.hardLimit(1000)).isEqualTo(800);
    assertThat(percent.softLimit(1000)).isEqualTo(600);
  }
}
