package dev.kiln.release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.release.InvalidReleaseException;
import java.util.Set;

/** What a person asks for: {@code {"role", "version", "artifact", "sha256"}}. */
record ReleaseRequest(String role, String version, String artifact, String sha256) {

    private static final Set<String> FIELDS = Set.of("role", "version", "artifact", "sha256");

    static ReleaseRequest parse(byte[] input) {
        JsonNode node = Json.tree(input, InvalidReleaseException::new);
        if (node == null || !node.isObject()) {
            throw new InvalidReleaseException("the request must be a JSON object: {\"role\", \"version\", \"artifact\", \"sha256\"}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw new InvalidReleaseException(name + ": is not a field of a release (role, version, artifact, sha256)");
            }
        });
        return new ReleaseRequest(text(node, "role"), text(node, "version"), text(node, "artifact"), text(node, "sha256"));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }
}
