package dev.kiln.common;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Kiln's own CloudWatch metrics (namespace {@value #NAMESPACE}), written with Powertools metrics as
 * embedded metric format records on standard output: Lambda sends them to CloudWatch Logs, which turns
 * each into a data point. No PutMetricData call, so nothing to wait for or to grant.
 *
 * <p>Each call writes one record at once (the functional API: nothing is left to flush at the end of an
 * invocation), with exactly the dimensions given: Powertools' default {@code Service} dimension is left
 * out, so a metric here is the very metric the stack's dashboard and alarms name.
 */
public final class KilnMetrics {

    public static final String NAMESPACE = "Kiln";

    private KilnMetrics() {
    }

    /** Writes {@code value} of {@code metric} (unit Count) with {@code dimensions} (at least one). */
    public static void count(String metric, Map<String, String> dimensions, double value) {
        count(NAMESPACE, metric, dimensions, value);
    }

    /** The same in another namespace: advisory-feed's metrics have been {@code Kiln/Advisories} from the start. */
    public static void count(String namespace, String metric, Map<String, String> dimensions, double value) {
        if (dimensions.isEmpty()) {
            throw new IllegalArgumentException(metric + " needs a dimension: the stack's alarms name one");
        }
        MetricsFactory.getMetricsInstance().flushMetrics(metrics -> {
            metrics.setNamespace(namespace);
            metrics.clearDefaultDimensions();
            metrics.addDimension(DimensionSet.of(dimensions));
            metrics.addMetric(metric, value, MetricUnit.COUNT);
        });
    }
}
