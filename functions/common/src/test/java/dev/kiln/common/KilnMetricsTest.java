package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.testing.EmfRecords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KilnMetricsTest {

    @Test
    void shouldWriteOneEmbeddedMetricRecordPerCountWithOnlyTheDimensionsGiven() throws Exception {
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> {
            KilnMetrics.count("LifecycleActions", Map.of("Result", "ABANDON"), 1);
            KilnMetrics.count("Rotations", Map.of("Status", "PARTIAL"), 2);
        });

        assertThat(metrics).containsExactly(
                new EmfRecords.Metric("Kiln", "LifecycleActions", "Count", Map.of("Result", "ABANDON"), 1),
                new EmfRecords.Metric("Kiln", "Rotations", "Count", Map.of("Status", "PARTIAL"), 2));
    }

    @Test
    void shouldRefuseAMetricWithoutDimensionsWritingNothing() throws Exception {
        List<EmfRecords.Metric> metrics = EmfRecords.during(() ->
                assertThatThrownBy(() -> KilnMetrics.count("Rotations", Map.of(), 1))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a dimension"));

        assertThat(metrics).isEmpty();
    }
}
