package dev.kiln.bakeplan;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Checks a bake input against its JSON Schema and reads it. */
public final class BakeInputReader {

    private final JsonSchema schema;

    public BakeInputReader() {
        try (InputStream in = BakeInputReader.class.getResourceAsStream("/schemas/bake.input.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("bake.input.schema.json is not packaged with the function");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in,
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public BakeInput read(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new InvalidBakeInputException("the bake input must be a JSON object, for example events/inputs/bake/push.json");
        }
        List<String> problems = schema.validate(input).stream()
                .map(ValidationMessage::getMessage)
                .map(message -> message.startsWith(": ") ? "the input" + message : message)
                .sorted()
                .collect(Collectors.toCollection(ArrayList::new));
        if (!problems.isEmpty()) {
            throw new InvalidBakeInputException("the bake input does not match statemachines/bake.input.schema.json: "
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
                input.path("keepOnFailure").asBoolean(false));
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
