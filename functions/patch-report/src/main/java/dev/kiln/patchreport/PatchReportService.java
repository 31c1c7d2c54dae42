package dev.kiln.patchreport;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.Scrubbed;
import dev.kiln.common.Wording;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums up one patch: which affected roles have an image with the fix (baked now, or re-baked on their
 * parent's new image), the rotation to ask for (those roles, now), the record to keep (which advisory
 * was closed on which role, and when), and what people read:
 * "ALAS2023-2025-1196 (important, expat): web and api patched, rotation requested 41 minutes after publication".
 */
public final class PatchReportService {

    private static final Logger LOG = LoggerFactory.getLogger(PatchReportService.class);

    /** What the state machine does with the report. */
    public record Report(boolean complete, boolean hasRotation, ObjectNode rotation, String state, String details,
                         String subject, String message) {
    }

    private record Outcome(String role, String status, String imageId, String why) {
    }

    public Report report(JsonNode request, Instant now) {
        JsonNode plan = request.path("plan");
        JsonNode advisory = plan.path("advisory");
        String id = advisory.path("id").asText();
        List<Outcome> outcomes = new ArrayList<>();
        request.path("baked").forEach(b -> outcomes.add(outcome(b, "baked with the fix")));
        request.path("followed").forEach(f -> outcomes.add(outcome(f, "re-baked on its parent's new image")));
        List<Outcome> patched = outcomes.stream().filter(o -> o.status().equals("SUCCEEDED")).toList();
        List<Outcome> failed = outcomes.stream().filter(o -> !o.status().equals("SUCCEEDED")).toList();

        ObjectNode rotation = Json.MAPPER.createObjectNode();
        rotation.put("advisory", id).put("severity", advisory.path("severity").asText());
        rotation.set("packages", advisory.path("packages").deepCopy());
        rotation.put("publishedAt", advisory.path("publishedAt").asText());
        patched.forEach(o -> rotation.withArray("roles").add(o.role()));
        ObjectNode images = rotation.putObject("images");
        patched.stream().filter(o -> o.imageId() != null).forEach(o -> images.put(o.role(), o.imageId()));
        rotation.put("reason", "security advisory " + id + " (" + advisory.path("severity").asText() + ": "
                + join(advisory.path("packages")) + ")");
        rotation.put("executionArn", request.path("executionArn").asText());

        Duration since = Duration.between(Instant.parse(advisory.path("publishedAt").asText()), now);
        String headline = id + " (" + advisory.path("severity").asText() + ", " + join(advisory.path("packages")) + "): "
                + (patched.isEmpty() ? "nothing patched" : names(patched) + " patched, rotation requested "
                + Wording.readable(since) + " after publication")
                + (failed.isEmpty() ? "" : "; " + names(failed) + " not patched");
        StringBuilder message = new StringBuilder(headline).append(".\n\n");
        patched.forEach(o -> message.append(String.format("Patched      %s: %s%s%n", o.role(), o.why(),
                o.imageId() == null ? "" : " (" + o.imageId() + ")")));
        failed.forEach(o -> message.append(String.format("Not patched  %s: %s%n", o.role(), o.why())));
        plan.path("untouched").forEach(u -> message.append(String.format("Not touched  %s: %s%n",
                u.path("role").asText(), u.path("why").asText())));
        message.append("\nAdvisory     ").append(advisory.path("link").asText()).append('\n')
                .append("CVEs         ").append(join(advisory.path("cves"))).append('\n')
                .append("Published    ").append(advisory.path("publishedAt").asText()).append('\n')
                .append("Execution    ").append(request.path("executionArn").asText()).append('\n');

        ObjectNode details = Json.MAPPER.createObjectNode();
        outcomes.forEach(o -> details.putObject(o.role()).put("status", o.status()).put("imageId", o.imageId()).put("why", o.why()));
        boolean complete = failed.isEmpty();
        String subject = Wording.subject("Kiln " + (complete ? "patched " : "could not fully patch ") + id + " ("
                + advisory.path("severity").asText() + "): " + (patched.isEmpty() ? "nothing patched" : names(patched)));
        LOG.info("Patch reported", entry("advisory", id), entry("patched", patched.stream().map(Outcome::role).toList()),
                entry("notPatched", failed.stream().map(Outcome::role).toList()));
        return new Report(complete, !patched.isEmpty(), rotation, complete ? "PATCHED" : "INCOMPLETE",
                details.toString(), subject, message.toString());
    }

    private static Outcome outcome(JsonNode result, String how) {
        String status = result.path("status").asText("FAILED");
        String imageId = result.hasNonNull("imageId") ? result.get("imageId").asText() : null;
        String why = status.equals("SUCCEEDED") ? how
                : status.equals("TIMED_OUT") ? "its re-bake on the parent's new image did not appear in time"
                : Scrubbed.text(failure(result.path("error").asText("failed"), result.path("cause").asText("")), 1000);
        return new Outcome(result.path("role").asText(), status, imageId, why);
    }

    /** A failed bake's cause is its execution as DescribeExecution gives it: say its name, error and cause. */
    private static String failure(String error, String cause) {
        if (cause.startsWith("{")) {
            try {
                JsonNode execution = Json.MAPPER.readTree(cause);
                if (execution.hasNonNull("Error")) {
                    return "bake " + execution.path("Name").asText() + " failed: " + execution.get("Error").asText() + ": "
                            + execution.path("Cause").asText("");
                }
            } catch (java.io.IOException e) {
                // not JSON after all: say it as it is
            }
        }
        return error + ": " + cause;
    }

    private static String names(List<Outcome> outcomes) {
        return Wording.listed(outcomes.stream().map(Outcome::role).toList());
    }

    private static String join(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.stream().collect(Collectors.joining(", "));
    }

}
