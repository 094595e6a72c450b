package dev.spyglass.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricSeriesBuilderTest {
  @Test
  void histogramQuantile_interpolatesWithinTheBucket_asPrometheusDoes() {
    double[] bounds = {10, 100};
    assertThat(MetricSeriesBuilder.quantile(0.5, bounds, new double[] {2, 6, 2})).isEqualTo(55.0);
    assertThat(MetricSeriesBuilder.quantile(0.1, bounds, new double[] {2, 6, 2})).isEqualTo(5.0);
    assertThat(MetricSeriesBuilder.quantile(0.99, bounds, new double[] {2, 6, 2})).isEqualTo(100.0);
    assertThat(MetricSeriesBuilder.quantile(0.5, bounds, new double[] {0, 0, 0})).isNaN();
  }
}
