package dev.kiln.common.release;

/** A release that cannot be used: the message says what is wrong with it. */
public class InvalidReleaseException extends RuntimeException {

    public InvalidReleaseException(String message) {
        super(message);
    }
}
