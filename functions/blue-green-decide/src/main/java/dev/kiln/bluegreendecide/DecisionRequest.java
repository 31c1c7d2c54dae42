package dev.kiln.bluegreendecide;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreendecide.errors.InvalidDecisionException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What blue-green-decide is asked: a request to the approval page (its Function URL, payload format 2.0), or a
 * decision by command ({@code {"role": "web", "decision": "approve"|"reject"|"rollback", "by": "..."}}).
 */
sealed interface DecisionRequest {

    Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    /** A form is a few short fields: a larger body is no decision. */
    int MAX_FORM = 4096;

    /** A request to the page: its method, query and form fields, and where it came from. */
    record Page(String method, Map<String, String> query, Map<String, String> form, String sourceIp) implements DecisionRequest {
    }

    /** A decision by command; {@code by} says who (the caller's name, as they give it). */
    record Command(String role, Decision decision, String by) implements DecisionRequest {
    }

    static DecisionRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidDecisionException("the payload must be {\"role\": ..., \"decision\": \"approve\", \"reject\" or \"rollback\"}");
        }
        JsonNode http = payload.path("requestContext").path("http");
        return http.isObject() ? page(payload, http) : command(payload);
    }

    private static Page page(JsonNode event, JsonNode http) {
        Map<String, String> query = new HashMap<>();
        event.path("queryStringParameters").properties().forEach(e -> query.put(e.getKey(), e.getValue().asText()));
        Map<String, String> form = new HashMap<>();
        String body = event.path("body").asText("");
        if (event.path("isBase64Encoded").asBoolean(false)) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        if (body.length() <= MAX_FORM) {
            for (String pair : body.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return new Page(http.path("method").asText(""), query, form, http.path("sourceIp").asText("an unknown address"));
    }

    private static Command command(JsonNode payload) {
        String role = payload.path("role").asText(null);
        if (role == null || !ROLE.matcher(role).matches()) {
            throw new InvalidDecisionException("role: must be a role name, got " + payload.get("role"));
        }
        Decision decision = Decision.of(payload.path("decision").asText("")).orElseThrow(() -> new InvalidDecisionException(
                "decision: must be approve, reject or rollback, got " + payload.get("decision")));
        String by = payload.path("by").asText("").strip();
        return new Command(role, decision, by.isEmpty() ? "a command (aws lambda invoke)" : by.substring(0, Math.min(100, by.length())));
    }
}
