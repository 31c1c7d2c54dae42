package dev.kiln.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The one JSON mapper Kiln functions use: tolerant of fields AWS adds to its events later. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** A payload as a JSON tree, or the function's {@code invalid} error (saying why) when it is not JSON. */
    public static JsonNode tree(byte[] payload, Function<String, ? extends RuntimeException> invalid) {
        try {
            return Json.MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw invalid.apply("the payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a payload held in memory", e);
        }
    }

    /** A payload read into {@code type}, or the function's {@code invalid} error (saying why) when it does not fit. */
    public static <T> T read(byte[] payload, Class<T> type, Function<String, ? extends RuntimeException> invalid) {
        try {
            return Json.MAPPER.readValue(payload, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused; // the request type's own check said what is wrong
            }
            throw invalid.apply("the payload is not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw invalid.apply("the payload is not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a payload held in memory", e);
        }
    }

    /**
     * Fails with the function's {@code invalid} error naming every field of {@code what} that is missing
     * (null, or a missing or null JSON node); {@code fields} are names and values in pairs.
     */
    public static void require(Function<String, ? extends RuntimeException> invalid, String what, Object... fields) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value == null || value instanceof JsonNode node && (node.isMissingNode() || node.isNull())) {
                missing.add((String) fields[i]);
            }
        }
        if (!missing.isEmpty()) {
            throw invalid.apply(what + " has no " + String.join(", no ", missing));
        }
    }

    /** {@code value}, the payload's {@code name}, as an instant (ISO-8601), or the function's {@code invalid} error. */
    public static Instant instant(JsonNode value, String name, Function<String, ? extends RuntimeException> invalid) {
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw invalid.apply(name + " is not an instant (ISO-8601, e.g. 2026-11-22T03:00:05Z): '" + value.asText() + "'");
        }
    }
}
