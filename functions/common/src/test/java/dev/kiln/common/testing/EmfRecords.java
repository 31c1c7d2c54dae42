package dev.kiln.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded metric format records code writes to standard output while it runs (KilnMetrics, through
 * Powertools metrics), read back as metric, unit, dimensions and value. Other lines (logs) are left out.
 * Shared with every function module's tests through common's test jar.
 */
public final class EmfRecords {

    /** One metric of one record: its namespace, name, unit, dimension names and values, and value. */
    public record Metric(String namespace, String name, String unit, Map<String, String> dimensions, double value) {
    }

    /** A test's action that may throw. */
    public interface Action {
        void run() throws Exception;
    }

    private EmfRecords() {
    }

    /** Runs {@code action} and answers the metrics it wrote, in order (also when it throws: then rethrows). */
    public static List<Metric> during(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        List<Metric> metrics = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"CloudWatchMetrics\"")) {
                metrics.addAll(read(Json.MAPPER.readTree(line)));
            }
        }
        return metrics;
    }

    private static List<Metric> read(JsonNode record) {
        List<Metric> metrics = new ArrayList<>();
        for (JsonNode directive : record.path("_aws").path("CloudWatchMetrics")) {
            Map<String, String> dimensions = new TreeMap<>();
            directive.path("Dimensions").forEach(set -> set.forEach(name ->
                    dimensions.put(name.asText(), record.path(name.asText()).asText())));
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                metrics.add(new Metric(directive.path("Namespace").asText(), name, metric.path("Unit").asText(),
                        dimensions, record.path(name).asDouble()));
            }
        }
        return metrics;
    }
}
