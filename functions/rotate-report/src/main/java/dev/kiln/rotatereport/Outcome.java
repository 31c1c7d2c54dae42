package dev.kiln.rotatereport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One group's outcome, as its workflow recorded it in the rotations table; every field but {@code asg}
 * and {@code outcome} may be null.
 *
 * @param outcome    succeeded, rolledBack, failed, timedOut or skipped
 * @param recordedAt when the group's workflow recorded it (the table item's {@code recordedAt})
 */
record Outcome(String asg, String role, String outcome, String reason, String refreshId, String launchTemplateId,
               String version, Boolean createdVersion, Integer instances, String imageId, String status,
               String statusReason, Integer percentage, String endedAt, String recordedAt) {

    static final String SUCCEEDED = "succeeded";
    static final String ROLLED_BACK = "rolledBack";
    static final String FAILED = "failed";
    static final String TIMED_OUT = "timedOut";
    static final String SKIPPED = "skipped";
    private static final Set<String> KNOWN = Set.of(SUCCEEDED, ROLLED_BACK, FAILED, TIMED_OUT, SKIPPED);

    /**
     * What the table says; an outcome Kiln cannot read counts as failed (never as succeeded). The
     * refresh's status, reason, percentage and end are read from the fields the contract names, else
     * from the DescribeInstanceRefreshes entry the workflow may record whole ({@code refresh}).
     */
    static Outcome parse(Ports.Recorded recorded) {
        JsonNode node;
        try {
            node = recorded.outcome() == null ? null : Json.MAPPER.readTree(recorded.outcome());
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            return failed(recorded.asg(), null, null, "its recorded outcome is not a JSON object").at(recorded.recordedAt());
        }
        String outcome = text(node, "outcome");
        String reason = text(node, "reason");
        if (outcome == null || !KNOWN.contains(outcome)) {
            reason = "its recorded outcome " + (outcome == null ? "is missing" : "'" + outcome + "' is not one Kiln knows")
                    + (reason == null ? "" : ": " + reason);
            outcome = FAILED;
        }
        JsonNode refresh = node.path("refresh");
        Boolean createdVersion = node.hasNonNull("createdVersion") ? node.get("createdVersion").asBoolean() : null;
        Integer percentage = number(node, "percentage");
        return new Outcome(recorded.asg(), text(node, "role"), outcome, reason, text(node, "refreshId"),
                text(node, "launchTemplateId"), text(node, "version"), createdVersion, number(node, "instances"),
                text(node, "imageId"), or(text(node, "status"), text(refresh, "Status")),
                or(text(node, "statusReason"), text(refresh, "StatusReason")),
                percentage != null ? percentage : number(refresh, "PercentageComplete"),
                or(text(node, "endedAt"), text(refresh, "EndTime")), recorded.recordedAt());
    }

    static Outcome failed(String asg, String role, String imageId, String reason) {
        return new Outcome(asg, role, FAILED, reason, null, null, null, null, null, imageId, null, null, null, null, null);
    }

    static Outcome skipped(String asg, String role, String imageId, String reason) {
        return new Outcome(asg, role, SKIPPED, reason, null, null, null, null, null, imageId, null, null, null, null, null);
    }

    /** The plan knows the role and image of a group whose workflow did not record them. */
    Outcome orFrom(String plannedRole, String plannedImageId) {
        return new Outcome(asg, role != null ? role : plannedRole, outcome, reason, refreshId, launchTemplateId, version,
                createdVersion, instances, imageId != null ? imageId : plannedImageId, status, statusReason, percentage, endedAt,
                recordedAt);
    }

    private Outcome at(String when) {
        return new Outcome(asg, role, outcome, reason, refreshId, launchTemplateId, version, createdVersion, instances, imageId,
                status, statusReason, percentage, endedAt, when);
    }

    /** When the group was done with: its refresh's end, else when its outcome was recorded. */
    Optional<Instant> doneAt() {
        return Optional.ofNullable(endedAt).flatMap(ReportRequest::instant)
                .or(() -> Optional.ofNullable(recordedAt).flatMap(ReportRequest::instant));
    }

    int instancesOrZero() {
        return instances == null ? 0 : instances;
    }

    private static String or(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static Integer number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.canConvertToInt()) {
            return value.asInt();
        }
        try {
            return value.isTextual() ? Integer.valueOf(value.asText().trim()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
