package dev.kiln.advisoryfeed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Counts as CloudWatch embedded metric format lines on standard output, which Lambda sends to
 * CloudWatch Logs, where they become metrics {@code Kiln/Advisories} by {@code Feed}.
 */
record EmfMetrics(PrintStream out, Clock clock) implements Ports.Metrics {

    static final String NAMESPACE = "Kiln/Advisories";

    @Override
    public void count(String metric, AmazonLinux feed, int value) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Feed");
        directive.putArray("Metrics").addObject().put("Name", metric).put("Unit", "Count");
        line.put("Feed", "AL" + feed.version());
        line.put(metric, value);
        out.println(line);
    }
}
