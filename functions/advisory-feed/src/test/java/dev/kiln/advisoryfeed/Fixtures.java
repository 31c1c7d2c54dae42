package dev.kiln.advisoryfeed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The published ALAS feeds and advisory pages in src/test/resources/alas/ (copied from ../shared/fixtures/alas/). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/alas/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture alas/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
