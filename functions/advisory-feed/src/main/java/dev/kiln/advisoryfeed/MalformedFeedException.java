package dev.kiln.advisoryfeed;

/** A feed or advisory page Kiln cannot trust: not well-formed, hostile (a DTD, entities) or not what ALAS publishes. */
public final class MalformedFeedException extends RuntimeException {

    public MalformedFeedException(String message) {
        super(message);
    }

    public MalformedFeedException(String message, Throwable cause) {
        super(message, cause);
    }
}
