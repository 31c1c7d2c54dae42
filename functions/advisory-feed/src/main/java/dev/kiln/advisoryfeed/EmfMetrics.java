package dev.kiln.advisoryfeed;

import dev.kiln.common.KilnMetrics;
import java.util.Map;

/**
 * Counts as CloudWatch embedded metric format records (common's KilnMetrics, Powertools metrics) on
 * standard output, which Lambda sends to CloudWatch Logs, where they become metrics {@code Kiln/Advisories}
 * by {@code Feed}.
 */
record EmfMetrics() implements Ports.Metrics {

    static final String NAMESPACE = "Kiln/Advisories";

    @Override
    public void count(String metric, AmazonLinux feed, int value) {
        KilnMetrics.count(NAMESPACE, metric, Map.of("Feed", "AL" + feed.version()), value);
    }
}
