package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;

/** Text that AWS gives back and that is usually JSON (an execution's output, a function's answer, a parameter). */
final class JsonText {

    private JsonText() {
    }

    /** The text as JSON, or as a JSON string when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception notJson) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
