package dev.kiln.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kiln.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What starts a state machine: its input schema as the repository holds it, and the EventBridge event a rule
 * starts it with, for checking what a function emits. A module that uses it has
 * {@code com.networknt:json-schema-validator} on its test classpath (common declares it optional).
 * Shared with every function module's tests through common's test jar.
 */
public final class StateMachineInputs {

    private StateMachineInputs() {
    }

    /** {@code statemachines/<workflow>.input.schema.json} (e.g. {@code patch}), read from the repository. */
    public static JsonSchema schema(String workflow) {
        Path file = Resources.repository("statemachines", workflow + ".input.schema.json");
        try (InputStream in = Files.newInputStream(file)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The event with {@code source}, {@code detail-type} and {@code detail}, as EventBridge hands it to the state machine. */
    public static ObjectNode event(String source, String detailType, JsonNode detail) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("source", source).put("detail-type", detailType);
        event.set("detail", detail);
        return event;
    }
}
