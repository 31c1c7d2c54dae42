package dev.kiln.advisoryfeed;

import dev.kiln.common.testing.Resources;

/** The published ALAS feeds and advisory pages in src/test/resources/alas/ (copied from ../shared/fixtures/alas/). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        return Resources.bytes("/alas/" + name);
    }

    static String text(String name) {
        return Resources.text("/alas/" + name);
    }
}
