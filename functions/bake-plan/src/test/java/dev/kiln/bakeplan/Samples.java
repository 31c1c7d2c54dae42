package dev.kiln.bakeplan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The canonical samples from events/ and the example configuration. */
final class Samples {

    private Samples() {
    }

    static ObjectNode input(String path) {
        try (InputStream in = Samples.class.getResourceAsStream("/events/inputs/bake/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample events/inputs/bake/" + path);
            }
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode input(String path, Consumer<ObjectNode> edit) {
        ObjectNode input = input(path);
        edit.accept(input);
        return input;
    }

    static KilnConfig exampleConfig() {
        try {
            return KilnConfigJson.read(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
