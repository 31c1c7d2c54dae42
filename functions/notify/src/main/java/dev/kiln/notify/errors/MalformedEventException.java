package dev.kiln.notify.errors;

/** The event given to notify is not a readable Step Functions Execution Status Change; nothing was sent. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
