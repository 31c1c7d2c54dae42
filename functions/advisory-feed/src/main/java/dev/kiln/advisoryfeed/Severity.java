package dev.kiln.advisoryfeed;

import java.util.Locale;
import java.util.Optional;

/** ALAS severities, as the feed writes them in lower case. */
public enum Severity {
    CRITICAL, IMPORTANT, MEDIUM, LOW;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> of(String text) {
        for (Severity severity : values()) {
            if (severity.value().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(severity);
            }
        }
        return Optional.empty();
    }
}
