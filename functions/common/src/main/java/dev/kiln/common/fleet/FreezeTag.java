package dev.kiln.common.fleet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The kiln:freeze tag on an Auto Scaling group, as every rotation reads it (docs/rotation.md): {@code true} holds the
 * group back until the tag is removed, a time (with its offset) until then, anything else too (the safe side).
 */
public final class FreezeTag {

    public static final String KEY = "kiln:freeze";

    private FreezeTag() {
    }

    /** Why the tag's value holds the group back at {@code at}; empty when there is no tag or its time has passed. */
    public static Optional<String> holds(String value, Instant at) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return Optional.of("frozen by its kiln:freeze tag");
        }
        try {
            Instant until = OffsetDateTime.parse(value.trim()).toInstant();
            return until.isAfter(at) ? Optional.of("frozen by its kiln:freeze tag until " + until) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.of("frozen by its kiln:freeze tag: its value '" + value + "' is not understood (use true or a time"
                    + " such as 2026-12-01T00:00:00Z, or remove the tag)");
        }
    }
}
