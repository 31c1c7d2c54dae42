package dev.kiln.distributeregion.errors;

/** The payload is not one of distribute's region steps (copy, check, finish) with its fields: nothing is done. */
public class InvalidRegionRequestException extends RuntimeException {

    public InvalidRegionRequestException(String message) {
        super(message);
    }

    public InvalidRegionRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
