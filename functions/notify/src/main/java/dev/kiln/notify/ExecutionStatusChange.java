package dev.kiln.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.notify.errors.MalformedEventException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parts of an {@code aws.states} "Step Functions Execution Status Change" event that a
 * notification needs. {@code error} and {@code cause} are present only when the event carries them.
 */
public record ExecutionStatusChange(
        String executionArn,
        String stateMachineArn,
        String executionName,
        String status,
        Optional<Instant> startDate,
        Optional<Instant> stopDate,
        Optional<String> error,
        Optional<String> cause) {

    static final String DETAIL_TYPE = "Step Functions Execution Status Change";

    private static final Pattern EXECUTION_ARN =
            Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:(execution|express):[^:]+:[^:]+");
    private static final Pattern STATE_MACHINE_ARN =
            Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[^:]+");

    /** Reads the event, or explains in a {@link MalformedEventException} why it cannot be read. */
    public static ExecutionStatusChange parse(byte[] event) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(event);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("the event is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("the event could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("the event is not a JSON object");
        }
        String detailType = root.path("detail-type").asText("");
        if (!DETAIL_TYPE.equals(detailType)) {
            throw new MalformedEventException("expected detail-type '" + DETAIL_TYPE + "' but got '" + detailType + "'");
        }
        JsonNode detail = root.path("detail");
        if (!detail.isObject()) {
            throw new MalformedEventException("the event has no detail object");
        }
        String executionArn = required(detail, "executionArn");
        if (!EXECUTION_ARN.matcher(executionArn).matches()) {
            throw new MalformedEventException("detail.executionArn is not an execution ARN: " + executionArn);
        }
        String stateMachineArn = required(detail, "stateMachineArn");
        if (!STATE_MACHINE_ARN.matcher(stateMachineArn).matches()) {
            throw new MalformedEventException("detail.stateMachineArn is not a state machine ARN: " + stateMachineArn);
        }
        return new ExecutionStatusChange(
                executionArn,
                stateMachineArn,
                required(detail, "name"),
                required(detail, "status"),
                time(detail, "startDate"),
                time(detail, "stopDate"),
                text(detail, "error"),
                text(detail, "cause"));
    }

    /** The state machine's name: the last part of its ARN. */
    public String stateMachineName() {
        return stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
    }

    /** The partition and region the execution ran in, read from its ARN. */
    public String partition() {
        return executionArn.split(":")[1];
    }

    public String region() {
        return executionArn.split(":")[3];
    }

    private static String required(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MalformedEventException("detail." + field + " is missing or not a string");
        }
        return value.asText();
    }

    private static Optional<String> text(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank()
                ? Optional.of(value.asText()) : Optional.empty();
    }

    // AWS sends epoch milliseconds; LocalStack sends ISO-8601 text. Both name one instant.
    private static Optional<Instant> time(JsonNode detail, String field) {
        JsonNode value = detail.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(Instant.ofEpochMilli(value.asLong()));
        }
        if (value.isTextual()) {
            try {
                return Optional.of(OffsetDateTime.parse(value.asText()).toInstant());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new MalformedEventException("detail." + field + " is neither epoch milliseconds nor an ISO-8601 time");
    }
}
