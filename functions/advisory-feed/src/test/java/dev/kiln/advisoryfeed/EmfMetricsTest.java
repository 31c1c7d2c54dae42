package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.testing.EmfRecords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

    @Test
    void shouldCountByFeedInTheAdvisoriesNamespaceTheFeedAlarmAndDashboardRead() throws Exception {
        // when
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> {
            new EmfMetrics().count("FeedErrors", AmazonLinux.AL2023, 1);
            new EmfMetrics().count("AdvisoriesAnnounced", AmazonLinux.AL2, 3);
        });

        // then
        assertThat(metrics).containsExactly(
                new EmfRecords.Metric("Kiln/Advisories", "FeedErrors", "Count", Map.of("Feed", "AL2023"), 1),
                new EmfRecords.Metric("Kiln/Advisories", "AdvisoriesAnnounced", "Count", Map.of("Feed", "AL2"), 3));
    }
}
