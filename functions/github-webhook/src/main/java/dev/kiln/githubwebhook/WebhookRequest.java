package dev.kiln.githubwebhook;

import java.util.Map;

/**
 * A request to the Function URL: its headers (names in lower case, as Lambda gives them) and its body
 * as Lambda gives it, base64-encoded or not.
 */
public record WebhookRequest(Map<String, String> headers, String body, boolean base64) {

    public WebhookRequest {
        headers = Map.copyOf(headers);
    }

    String header(String name) {
        return headers.get(name);
    }
}
