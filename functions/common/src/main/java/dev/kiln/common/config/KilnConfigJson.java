package dev.kiln.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.util.List;

/**
 * Reads the configuration document, checking everything it can without AWS (names, references,
 * cycles, paths, limits), and reports every problem at once by its place in the document. Writes the
 * normalized document (defaults filled in, each role's builder settings merged) that Kiln stores.
 */
public final class KilnConfigJson {

    private KilnConfigJson() {
    }

    public static KilnConfig read(String document) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(document);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(List.of("the document is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        ConfigReader reader = new ConfigReader();
        KilnConfig config = reader.config(root);
        if (!reader.problems.isEmpty()) {
            throw new InvalidConfigException(reader.problems);
        }
        return config;
    }

    /** The normalized document: what {@link #read} gives back for the same configuration. */
    public static String write(KilnConfig config) {
        return ConfigWriter.write(config);
    }
}
