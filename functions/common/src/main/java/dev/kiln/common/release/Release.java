package dev.kiln.common.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A role's release: the application artifact Kiln deploys onto its instances, kept as JSON in the SSM
 * parameter {@code /<deployment>/releases/<role>}. The artifact is a {@code .tar.gz} in Kiln's
 * artifact bucket under {@code releases/<role>/}, with an executable {@code install} at its top.
 *
 * @param setAt when the release was set (ISO-8601), for people reading the parameter
 */
public record Release(String role, String version, String artifact, String sha256, String setAt) {

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ARTIFACT = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(releases/([a-z][a-z0-9-]{0,30})/[A-Za-z0-9._+/-]{1,900}\\.tar\\.gz)");

    public Release {
        require(ROLE, role, "role", "a role name");
        require(VERSION, version, "version", "a version: letters, digits and . _ + - (at most 64)");
        require(SHA256, sha256, "sha256", "the artifact's SHA-256 as 64 lower-case hex digits");
        var artifactMatch = ARTIFACT.matcher(artifact == null ? "" : artifact);
        if (!artifactMatch.matches() || artifact.contains("//releases/") || artifact.contains("/../") || artifact.contains("/./")) {
            throw new InvalidReleaseException("artifact: '" + artifact + "' is not s3://<bucket>/releases/<role>/<name>.tar.gz");
        }
        if (!artifactMatch.group(3).equals(role)) {
            throw new InvalidReleaseException("artifact: '" + artifact + "' is not under releases/" + role + "/");
        }
    }

    /** The bucket the artifact is in. */
    public String bucket() {
        var match = ARTIFACT.matcher(artifact);
        match.matches();
        return match.group(1);
    }

    /** The artifact's key in its bucket. */
    public String key() {
        var match = ARTIFACT.matcher(artifact);
        match.matches();
        return match.group(2);
    }

    public static Release parse(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidReleaseException("the release is not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidReleaseException("the release is not a JSON object");
        }
        return new Release(text(node, "role"), text(node, "version"), text(node, "artifact"), text(node, "sha256"),
                node.path("setAt").isTextual() ? node.get("setAt").asText() : null);
    }

    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode().put("role", role).put("version", version)
                .put("artifact", artifact).put("sha256", sha256);
        if (setAt != null) {
            node.put("setAt", setAt);
        }
        return node.toString();
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }

    private static void require(Pattern pattern, String value, String field, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new InvalidReleaseException(value == null ? field + ": missing; give " + expected
                    : field + ": '" + value + "' is not " + expected);
        }
    }
}
