package dev.kiln.bluegreencheck.errors;

/** The payload is not the group, target health and desired count the state machine sends. */
public class InvalidCheckPayloadException extends RuntimeException {

    public InvalidCheckPayloadException(String message) {
        super(message);
    }
}
