package dev.kiln.rotatereport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * rotate-report's payload, checked: {@code {"rotation", "executionArn", "input": <execution input>,
 * "plan": <rotate-plan's answer>, "startedAt"}}.
 *
 * @param input the execution input as given (advisory, severity, packages, publishedAt, roles, reason: all optional)
 */
record ReportRequest(String rotation, String executionArn, ObjectNode input, String planBucket, String planKey,
                     String startedAt) {

    static ReportRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new MalformedReportRequestException("the payload must be {\"rotation\", \"executionArn\", \"input\", \"plan\", \"startedAt\"}");
        }
        JsonNode rotation = payload.get("rotation");
        // it names S3 keys and the ledger's record: an execution name never has a '/'
        if (rotation == null || !rotation.isTextual() || rotation.asText().isBlank() || rotation.asText().length() > 80
                || rotation.asText().contains("/")) {
            throw new MalformedReportRequestException("rotation: must be the execution's name (1 to 80 characters, no '/'), got "
                    + (rotation == null ? "nothing" : rotation.toString()));
        }
        JsonNode plan = payload.path("plan");
        if (!plan.path("bucket").isTextual() || plan.path("bucket").asText().isBlank()
                || !plan.path("key").isTextual() || plan.path("key").asText().isBlank()) {
            throw new MalformedReportRequestException("plan: must be rotate-plan's answer, with its bucket and key, got "
                    + (plan.isMissingNode() ? "nothing" : plan.toString()));
        }
        JsonNode input = payload.path("input");
        if (!input.isMissingNode() && !input.isNull() && !input.isObject()) {
            throw new MalformedReportRequestException("input: must be a JSON object, got " + input.getNodeType());
        }
        return new ReportRequest(rotation.asText(), payload.path("executionArn").asText(""),
                input.isObject() ? (ObjectNode) input : Json.MAPPER.createObjectNode(),
                plan.get("bucket").asText(), plan.get("key").asText(),
                payload.hasNonNull("startedAt") ? payload.get("startedAt").asText() : null);
    }

    /** "manual" when the input gives none. */
    String reason() {
        return text("reason").orElse("manual");
    }

    Optional<String> advisory() {
        return text("advisory");
    }

    Optional<String> severity() {
        return text("severity");
    }

    Optional<Instant> publishedAt() {
        return text("publishedAt").flatMap(ReportRequest::instant);
    }

    List<String> packages() {
        return texts("packages");
    }

    List<String> roles() {
        return texts("roles");
    }

    static Optional<Instant> instant(String value) {
        try {
            return Optional.of(OffsetDateTime.parse(value.trim()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Optional<String> text(String field) {
        JsonNode value = input.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    private List<String> texts(String field) {
        List<String> texts = new ArrayList<>();
        input.path(field).forEach(value -> {
            if (value.isTextual()) {
                texts.add(value.asText());
            }
        });
        return texts;
    }
}
