package dev.kiln.advisoryfeed;

/** The ALAS site could not be read: unreachable, too slow, or it answered with an error. */
public final class FeedUnavailableException extends RuntimeException {

    public FeedUnavailableException(String message) {
        super(message);
    }

    public FeedUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
