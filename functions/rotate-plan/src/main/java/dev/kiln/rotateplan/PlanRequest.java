package dev.kiln.rotateplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.InputSchema;
import dev.kiln.rotateplan.errors.InvalidRotationInputException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * rotate-plan's payload, checked: {@code {"rotation": <execution name>, "input": <execution input>,
 * "startedAt": <ISO instant>}}. Every field of the input is optional: a manual start names {@code asgs},
 * the nightly schedule gives {@code {"reason": "nightly"}}, a Rotation Requested event gives its detail
 * (advisory, roles, ...).
 *
 * @param asgs  only these groups, when given
 * @param roles only groups of these roles, when given
 */
record PlanRequest(String rotation, Instant startedAt, Optional<List<String>> asgs, Optional<List<String>> roles,
                   String reason, Optional<String> advisory) {

    /** What the state machine accepts as input, no more (an EventBridge envelope is not "rotate everything"). */
    private static final InputSchema SCHEMA = InputSchema.load("rotate.input.schema.json");
    /** As rotate.input.schema.json says: 1 to 255 characters, no control characters. */
    private static final Pattern ASG_NAME = Pattern.compile("[^\\x00-\\x1F]{1,255}");
    private static final Pattern ANY = Pattern.compile(".*", Pattern.DOTALL);

    PlanRequest {
        asgs = asgs.map(List::copyOf);
        roles = roles.map(List::copyOf);
    }

    static PlanRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidRotationInputException("the payload must be {\"rotation\", \"input\", \"startedAt\"}");
        }
        JsonNode rotation = payload.get("rotation");
        // it names S3 keys: an execution name never has a '/', one that does is not one
        if (rotation == null || !rotation.isTextual() || rotation.asText().isBlank() || rotation.asText().length() > 80
                || rotation.asText().contains("/")) {
            throw new InvalidRotationInputException("rotation: must be the execution's name (1 to 80 characters, no '/'), got "
                    + (rotation == null ? "nothing" : rotation.toString()));
        }
        Instant startedAt = instant(payload.get("startedAt"))
                .orElseThrow(() -> new InvalidRotationInputException("startedAt: must be an ISO-8601 time such as"
                        + " 2026-11-22T03:00:00Z, got " + (payload.has("startedAt") ? payload.get("startedAt").toString() : "nothing")));
        JsonNode input = payload.path("input");
        if (!input.isMissingNode() && !input.isNull() && !input.isObject()) {
            throw new InvalidRotationInputException("input: must be a JSON object, got " + input.getNodeType());
        }
        Optional<List<String>> asgs = texts(input, "asgs", "Auto Scaling group names (1 to 255 characters, no control characters)", ASG_NAME);
        Optional<List<String>> roles = texts(input, "roles", "role names", ANY);
        JsonNode advisory = input.get("advisory");
        if (advisory != null && !advisory.isNull() && !advisory.isTextual()) {
            throw new InvalidRotationInputException("input.advisory: must be an advisory id such as ALAS2023-2025-1196, got " + advisory);
        }
        // what the checks above do not name (an unknown field, an EventBridge envelope, a role that is no role name)
        List<String> problems = input.isObject() ? SCHEMA.problems(input) : List.of();
        if (!problems.isEmpty()) {
            throw new InvalidRotationInputException("input: does not match " + SCHEMA.where() + ": " + String.join("; ", problems));
        }
        return new PlanRequest(rotation.asText(), startedAt, asgs, roles,
                input.hasNonNull("reason") ? input.get("reason").asText() : "manual",
                Optional.ofNullable(advisory).filter(JsonNode::isTextual).map(JsonNode::asText).filter(a -> !a.isBlank()));
    }

    /** An ISO-8601 instant, or a date-time with its offset. */
    static Optional<Instant> instant(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        return instant(value.asText());
    }

    static Optional<Instant> instant(String value) {
        try {
            return Optional.of(OffsetDateTime.parse(value.trim()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<List<String>> texts(JsonNode input, String field, String expected, Pattern pattern) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw new InvalidRotationInputException("input." + field + ": must be a list of " + expected + ", got " + value);
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
                throw new InvalidRotationInputException("input." + field + ": " + abbreviated(item) + " is not one of " + expected);
            }
            texts.add(item.asText());
        }
        return Optional.of(List.copyOf(new LinkedHashSet<>(texts)));
    }

    private static String abbreviated(JsonNode item) {
        String text = item.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
