package dev.kiln.sourcefetch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.sourcefetch.errors.MalformedRequestException;
import java.util.regex.Pattern;

/** What bake asks for: the commit and where its bundle belongs ({@code bundles/<sha>.tar.gz}). */
public record FetchRequest(String sha, String bucket, String key) {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    public static FetchRequest parse(byte[] input) {
        JsonNode root = Json.tree(input, MalformedRequestException::new);
        if (root == null || !root.isObject()) {
            throw new MalformedRequestException("the request is not a JSON object");
        }
        String sha = root.path("sha").asText("");
        if (!SHA.matcher(sha).matches()) {
            throw new MalformedRequestException("sha is not a full commit id: '" + sha + "'");
        }
        String bucket = root.path("bucket").asText("");
        String key = root.path("key").asText("");
        if (bucket.isBlank()) {
            throw new MalformedRequestException("bucket is missing");
        }
        if (!key.equals("bundles/" + sha + ".tar.gz")) {
            throw new MalformedRequestException("key is not bundles/" + sha + ".tar.gz: '" + key + "'");
        }
        return new FetchRequest(sha, bucket, key);
    }
}
