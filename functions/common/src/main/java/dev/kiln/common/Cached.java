package dev.kiln.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value read from AWS and kept for a while: Kiln's configuration and its secrets are read this way,
 * so a warm function sees a change within {@code keep} without reading it on every invocation.
 */
public final class Cached<T> {

    private final Duration keep;
    private final Clock clock;
    private final Supplier<T> read;
    private T value;
    private Instant readAt = Instant.MIN;

    public Cached(Duration keep, Clock clock, Supplier<T> read) {
        this.keep = keep;
        this.clock = clock;
        this.read = read;
    }

    /** The value, read again when it was never read or is older than {@code keep}. */
    public synchronized T get() {
        if (value == null || readAt.plus(keep).isBefore(clock.instant())) {
            reread();
        }
        return value;
    }

    /**
     * Reads the value again now (a signature that does not match may mean a rotated secret), unless
     * it was read less than {@code minInterval} ago.
     *
     * @return whether the value changed
     */
    public synchronized boolean refresh(Duration minInterval) {
        if (value != null && readAt.plus(minInterval).isAfter(clock.instant())) {
            return false;
        }
        T before = value;
        reread();
        return !Objects.equals(before, value);
    }

    private void reread() {
        value = Objects.requireNonNull(read.get(), "a cached value may not be null");
        readAt = clock.instant();
    }
}
