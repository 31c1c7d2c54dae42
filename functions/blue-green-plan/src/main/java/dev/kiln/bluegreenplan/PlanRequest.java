package dev.kiln.bluegreenplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreenplan.errors.InvalidBlueGreenInputException;
import dev.kiln.common.InputSchema;
import dev.kiln.common.Json;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * blue-green-plan's payload, checked: {@code {"input": <execution input>, "execution": <execution ARN>,
 * "startedAt": <ISO instant>}}.
 *
 * @param executionName the last part of the execution's ARN
 * @param reason        why, as the input says (default: manual)
 */
record PlanRequest(String role, String reason, String executionArn, String executionName, Instant startedAt) {

    private static final InputSchema SCHEMA = InputSchema.load("blue-green.input.schema.json");
    private static final Pattern EXECUTION = Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:execution:[^:]+:([A-Za-z0-9_-]{1,80})");

    static PlanRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidBlueGreenInputException("the payload must be {\"input\", \"execution\", \"startedAt\"}");
        }
        Json.require(InvalidBlueGreenInputException::new, "the payload", "input", payload.get("input"),
                "execution", payload.get("execution"), "startedAt", payload.get("startedAt"));
        var execution = EXECUTION.matcher(payload.get("execution").asText());
        if (!execution.matches()) {
            throw new InvalidBlueGreenInputException("execution: '" + payload.get("execution").asText()
                    + "' is not a Step Functions execution ARN whose name is letters, digits, - and _ (at most 80)");
        }
        JsonNode input = payload.get("input");
        List<String> problems = SCHEMA.problems(input);
        if (!problems.isEmpty()) {
            throw new InvalidBlueGreenInputException("the input does not match " + SCHEMA.where() + ": "
                    + String.join("; ", problems) + " (for example events/inputs/blue-green/release-web.json)");
        }
        return new PlanRequest(input.get("role").asText(),
                input.hasNonNull("reason") ? input.get("reason").asText() : "manual",
                execution.group(0), execution.group(1),
                Json.instant(payload.get("startedAt"), "startedAt", InvalidBlueGreenInputException::new));
    }
}
