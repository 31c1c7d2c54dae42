package dev.kiln.bakeplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.common.InputSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks a bake input against its JSON Schema and reads it. */
public final class BakeInputReader {

    private final InputSchema schema = InputSchema.load("bake.input.schema.json");

    public BakeInput read(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new InvalidBakeInputException("the bake input must be a JSON object, for example events/inputs/bake/push.json");
        }
        List<String> problems = schema.problems(input);
        if (!problems.isEmpty()) {
            throw new InvalidBakeInputException("the bake input does not match " + schema.where() + ": "
                    + String.join("; ", problems));
        }
        JsonNode source = input.get("source");
        List<BakeInput.Advisory> advisories = new ArrayList<>();
        input.path("advisories").forEach(a -> advisories.add(new BakeInput.Advisory(
                a.get("id").asText(), a.hasNonNull("releasever") ? a.get("releasever").asText() : null)));
        return new BakeInput(
                input.get("role").asText(),
                source.get("sha").asText(),
                text(source, "ref"),
                text(source, "pushedAt").map(Instant::parse),
                advisories,
                text(input, "reason").orElse("manual"),
                text(input, "parentImageId"),
                input.path("keepOnFailure").asBoolean(false),
                input.path("force").asBoolean(false));
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
