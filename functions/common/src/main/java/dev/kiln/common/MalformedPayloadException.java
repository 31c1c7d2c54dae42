package dev.kiln.common;

/**
 * A payload the function cannot read (not JSON, or not the shape it takes), for a function with no
 * invalid-input error of its own; nothing was done.
 */
public class MalformedPayloadException extends RuntimeException {

    public MalformedPayloadException(String message) {
        super(message);
    }
}
