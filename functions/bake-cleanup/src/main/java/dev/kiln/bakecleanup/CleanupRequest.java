package dev.kiln.bakecleanup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.MalformedPayloadException;

/**
 * The bake state machine's state when a step failed (whatever it had by then), the execution and its
 * input. {@code plan} is missing when planning itself failed; {@code error} is what the Catch caught;
 * {@code keepImage} is set once the image has been recorded (a failed publish must not delete it).
 */
public record CleanupRequest(State state, String executionArn, JsonNode input) {

    /** The state and the execution are required; the input is read only when planning failed. */
    public CleanupRequest {
        Json.require(MalformedPayloadException::new, "bake-cleanup's payload", "state", state, "executionArn", executionArn);
    }

    public record State(Plan plan, Builder builder, Image image, Error error, boolean keepImage) {
    }

    public record Plan(String bakeKey, String buildId, String role, String sha, boolean keepOnFailure,
                       int keepOnFailureHours, Logs logs) {
    }

    public record Logs(String uri) {
    }

    public record Builder(String instanceId) {
    }

    public record Image(String imageId) {
    }

    public record Error(String Error, String Cause) {
    }
}
