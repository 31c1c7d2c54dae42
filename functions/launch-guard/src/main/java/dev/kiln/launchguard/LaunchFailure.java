package dev.kiln.launchguard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.launchguard.errors.InvalidLaunchFailureException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One launch that launch ABANDONed, as its state machine reports it: {@code {"event": <the execution input,
 * a lifecycle action>, "executionArn": ..., "state": <the execution's state when it gave up>}}. The state has
 * the plan (role, release) when the launch was planned, and the error in any case.
 *
 * @param launchedAt when Auto Scaling sent the lifecycle action (the event's time)
 * @param role       none (null) when the launch failed before Kiln knew the instance's role
 * @param release    the release version the launch installed; none when null
 */
record LaunchFailure(String group, String instanceId, String executionArn, Instant launchedAt, String role,
                     String release, String error, String cause) {

    static LaunchFailure from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidLaunchFailureException("the payload must be an object: {event, executionArn, state}");
        }
        JsonNode event = payload.path("event");
        JsonNode detail = event.path("detail");
        JsonNode state = payload.path("state");
        JsonNode plan = state.path("plan");
        return new LaunchFailure(
                required(detail, "AutoScalingGroupName", "event.detail"),
                required(detail, "EC2InstanceId", "event.detail"),
                required(payload, "executionArn", "the payload"),
                time(event),
                text(plan.path("role")),
                text(plan.path("release").path("version")),
                text(state.path("error").path("Error")),
                text(state.path("error").path("Cause")));
    }

    /** The failure in a line: its error and its cause (unbounded: the caller masks and bounds it). */
    String summary() {
        String line = (error == null ? "an unreported error" : error) + (cause == null ? "" : ": " + cause);
        return line.replaceAll("\\s+", " ").trim();
    }

    private static String required(JsonNode node, String field, String where) {
        String value = text(node.path(field));
        if (value == null || value.isBlank()) {
            throw new InvalidLaunchFailureException(where + "." + field + " is missing: this is not a failed launch of"
                    + " the launch state machine");
        }
        return value;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static Instant time(JsonNode event) {
        String time = text(event.path("time"));
        if (time == null) {
            throw new InvalidLaunchFailureException("event.time is missing: the lifecycle action's time says which"
                    + " launches came before a suspension");
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new InvalidLaunchFailureException("event.time is not an ISO-8601 time: " + time);
        }
    }
}
