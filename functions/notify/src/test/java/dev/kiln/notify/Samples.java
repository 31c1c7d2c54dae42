package dev.kiln.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** The canonical samples from events/, as bytes, optionally edited. */
final class Samples {

    private Samples() {
    }

    static byte[] event(String path) {
        return Resources.bytes("/events/" + path);
    }

    static byte[] event(String path, Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(event(path));
            edit.accept(root);
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
