package dev.kiln.bakechildren;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bakechildren.errors.MalformedEventException;
import dev.kiln.common.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A kiln.rebuild "Rebuild Requested" event (the weekly schedule puts one on the kiln bus; so can a
 * person): bake every role again from nothing. {@code time} is the event's, which names the bakes.
 */
public record RebuildRequested(String reason, Instant time) {

    static final String SOURCE = "kiln.rebuild";
    static final String DETAIL_TYPE = "Rebuild Requested";
    private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    /** Whether the event is one (else it is left to {@link ImageBaked#parse}). */
    static boolean is(JsonNode event) {
        return event != null && SOURCE.equals(event.path("source").asText()) && DETAIL_TYPE.equals(event.path("detail-type").asText());
    }

    /** Reads the event; anything else is refused with the reason. */
    public static RebuildRequested parse(JsonNode event) {
        if (!is(event)) {
            throw new MalformedEventException("not a kiln.rebuild Rebuild Requested event");
        }
        String reason = event.path("detail").path("reason").asText("");
        if (!REASON.matcher(reason).matches()) {
            throw new MalformedEventException("detail.reason is missing or not valid (lower-case words joined by dashes): '" + reason + "'");
        }
        try {
            return new RebuildRequested(reason, Instant.parse(event.path("time").asText()));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("time is not a time: '" + event.path("time").asText() + "'");
        }
    }

    /** The JSON of an event, or a clear refusal. */
    static JsonNode read(byte[] event) {
        try {
            return Json.MAPPER.readTree(event);
        } catch (IOException e) {
            throw new MalformedEventException("the event is not valid JSON: " + e.getMessage());
        }
    }
}
