package dev.kiln.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A state machine's input schema ({@code statemachines/<workflow>.input.schema.json}), packaged with the
 * function that reads that input, so the function accepts exactly what the schema does, no more.
 * A function that uses it packages the schema under {@code /schemas/} and depends on
 * {@code com.networknt:json-schema-validator} itself (common declares it optional).
 */
public final class InputSchema {

    private final String file;
    private final JsonSchema schema;

    private InputSchema(String file, JsonSchema schema) {
        this.file = file;
        this.schema = schema;
    }

    /** @param file e.g. {@code rotate.input.schema.json}, packaged as {@code /schemas/rotate.input.schema.json} */
    public static InputSchema load(String file) {
        try (InputStream in = InputSchema.class.getResourceAsStream("/schemas/" + file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is not packaged with the function");
            }
            return new InputSchema(file, JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in,
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the schema lives in the repository, for messages: {@code statemachines/<file>}. */
    public String where() {
        return "statemachines/" + file;
    }

    /** What in {@code input} the schema refuses, sorted; empty when it matches. */
    public List<String> problems(JsonNode input) {
        return schema.validate(input).stream()
                .map(ValidationMessage::getMessage)
                .map(message -> message.startsWith(": ") ? "the input" + message : message)
                .sorted()
                .toList();
    }
}
