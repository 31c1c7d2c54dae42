package dev.kiln.notify;

import java.util.Optional;

/**
 * Why an execution ended: its error and cause, and the last state it entered, each when known.
 */
public record FailureDetails(Optional<String> error, Optional<String> cause, Optional<String> lastState) {

    public static final FailureDetails UNKNOWN = new FailureDetails(Optional.empty(), Optional.empty(), Optional.empty());

    /** These details, with the gaps filled from {@code other}. */
    public FailureDetails orElse(FailureDetails other) {
        return new FailureDetails(
                error.or(other::error), cause.or(other::cause), lastState.or(other::lastState));
    }
}
