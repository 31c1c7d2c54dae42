package dev.kiln.githubwebhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.githubwebhook.errors.MalformedPayloadException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parts of a GitHub push event that decide what Kiln bakes. {@code pushedAt} is GitHub's
 * {@code repository.pushed_at}, when the payload has it.
 */
public record Push(
        String repository,
        String ref,
        String before,
        String after,
        boolean created,
        boolean deleted,
        boolean forced,
        List<Commit> commits,
        Optional<Instant> pushedAt) {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    static final String NO_COMMIT = "0".repeat(40);

    public Push {
        commits = List.copyOf(commits);
    }

    /** The files one pushed commit added, modified and removed (GitHub caps each list). */
    public record Commit(String id, List<String> added, List<String> modified, List<String> removed) {
    }

    public static Push parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new MalformedPayloadException("the push payload is not a JSON object");
        }
        List<Commit> commits = new ArrayList<>();
        JsonNode list = payload.path("commits");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new MalformedPayloadException("commits is not a list");
        }
        for (JsonNode commit : list) {
            commits.add(new Commit(commit.path("id").asText(""), paths(commit, "added"), paths(commit, "modified"),
                    paths(commit, "removed")));
        }
        return new Push(
                text(payload.path("repository"), "full_name", "repository.full_name"),
                text(payload, "ref", "ref"),
                sha(payload, "before"),
                sha(payload, "after"),
                payload.path("created").asBoolean(false),
                payload.path("deleted").asBoolean(false),
                payload.path("forced").asBoolean(false),
                commits,
                pushedAt(payload.path("repository").path("pushed_at")));
    }

    // in push events GitHub gives repository.pushed_at as seconds since the epoch
    private static Optional<Instant> pushedAt(JsonNode value) {
        return value.canConvertToLong() && value.isIntegralNumber() && value.asLong() > 0
                ? Optional.of(Instant.ofEpochSecond(value.asLong()))
                : Optional.empty();
    }

    private static List<String> paths(JsonNode commit, String field) {
        JsonNode paths = commit.path(field);
        if (paths.isMissingNode() || paths.isNull()) {
            return List.of();
        }
        if (!paths.isArray()) {
            throw new MalformedPayloadException("a commit's " + field + " is not a list of paths");
        }
        List<String> result = new ArrayList<>();
        paths.forEach(path -> {
            if (!path.isTextual()) {
                throw new MalformedPayloadException("a commit's " + field + " holds something that is not a path");
            }
            result.add(path.asText());
        });
        return result;
    }

    private static String text(JsonNode node, String field, String name) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MalformedPayloadException(name + " is missing or not a string");
        }
        return value.asText();
    }

    private static String sha(JsonNode payload, String field) {
        String value = text(payload, field, field);
        if (!SHA.matcher(value).matches()) {
            throw new MalformedPayloadException(field + " is not a commit id: '" + value + "'");
        }
        return value;
    }
}
