package dev.kiln.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a JSON document field by field, collecting each problem with its path instead of stopping at the first. */
abstract class DocumentReader {

    /** An EventBridge Scheduler expression: its six-field cron, or a rate. */
    static final Pattern SCHEDULE = Pattern.compile("cron\\(\\S+( \\S+){5}\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)");

    final List<String> problems;

    DocumentReader() {
        this(new ArrayList<>());
    }

    /** A reader of one part of a document, adding to the problems of the reader of the whole. */
    DocumentReader(List<String> problems) {
        this.problems = problems;
    }

    OffsetDateTime dateTime(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        try {
            if (value != null && value.isTextual()) {
                return OffsetDateTime.parse(value.asText());
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        problems.add(path + ": must be a date and time with its offset, e.g. 2026-12-28T00:00:00+09:00, got " + value);
        return null;
    }

    boolean bool(JsonNode node, String path, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problems.add(path + ": must be true or false");
            return fallback;
        }
        return value.asBoolean();
    }

    static List<String> distinct(List<String> values) {
        return values.stream().distinct().toList();
    }

    JsonNode object(JsonNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node != null && node.isObject()) {
            return node;
        }
        if (node != null || required) {
            problems.add(field + ": must be an object");
        }
        return Json.MAPPER.createObjectNode();
    }

    void allowOnly(JsonNode node, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        node.properties().forEach(property -> {
            String name = property.getKey();
            if (!allowed.contains(name)) {
                problems.add((path.isEmpty() ? "" : path + ".") + name + ": is not a setting Kiln knows"
                        + " (known here: " + String.join(", ", fields) + ")");
            }
        });
    }

    String text(JsonNode node, String path, String field, Pattern pattern, String expected) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            problems.add(path + ": must be " + expected);
            return null;
        }
        if (!pattern.matcher(value.asText()).matches()) {
            problems.add(path + ": '" + value.asText() + "' is not " + expected);
            return null;
        }
        return value.asText();
    }

    String optionalText(JsonNode node, String path, String field, Pattern pattern, String expected,
                                String fallback) {
        return node.has(field) ? orElse(text(node, path, field, pattern, expected), fallback) : fallback;
    }

    List<String> texts(JsonNode node, String path, String field, Pattern pattern, String expected) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            problems.add(path + ": must be a non-empty list of " + expected);
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
                problems.add(path + "[" + i + "]: '" + item.asText() + "' is not one of " + expected);
            } else {
                texts.add(item.asText());
            }
        }
        return texts;
    }

    int number(JsonNode node, String path, String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isInt() || value.asInt() < min || value.asInt() > max) {
            problems.add(path + "." + field + ": must be a whole number from " + min + " to " + max
                    + ", got " + value);
            return fallback;
        }
        return value.asInt();
    }

    static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** An IANA time zone, default UTC. */
    String timeZone(JsonNode node, String path) {
        String timeZone = optionalText(node, path + ".timeZone", "timeZone", Pattern.compile("[A-Za-z_+-]+(/[A-Za-z0-9_+-]+)*"),
                "an IANA time zone such as Asia/Tokyo", "UTC");
        try {
            ZoneId.of(timeZone);
            return timeZone;
        } catch (DateTimeException e) {
            problems.add(path + ".timeZone: '" + timeZone + "' is not an IANA time zone such as Asia/Tokyo");
            return "UTC";
        }
    }
}
