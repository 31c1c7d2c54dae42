package dev.kiln.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files on a test's classpath: a module's own fixtures, or the repository's events/ that the build copies
 * there. Shared with every function module's tests through common's test jar.
 */
public final class Resources {

    private Resources() {
    }

    /** The file at {@code path} (e.g. {@code /events/github/push.json}), or a clear failure when there is none. */
    public static byte[] bytes(String path) {
        try (InputStream in = Resources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    public static JsonNode json(String path) {
        try {
            return Json.MAPPER.readTree(bytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the repository itself (e.g. {@code examples/kiln.json}); the build names the root in {@code kiln.root}. */
    public static Path repository(String first, String... more) {
        return Path.of(System.getProperty("kiln.root"), first).resolve(Path.of("", more));
    }

    public static String repositoryText(String first, String... more) {
        try {
            return Files.readString(repository(first, more));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
