package dev.kiln.patchplan.errors;

/** The input is not a Security Advisory Published event Kiln can act on: nothing is baked. */
public class InvalidAdvisoryException extends RuntimeException {

    public InvalidAdvisoryException(String message) {
        super(message);
    }
}
