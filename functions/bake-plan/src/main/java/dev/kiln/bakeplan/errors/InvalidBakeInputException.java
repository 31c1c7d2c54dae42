package dev.kiln.bakeplan.errors;

/** The bake's input breaks its schema or does not fit the role; the bake stops before anything is launched. */
public class InvalidBakeInputException extends RuntimeException {

    public InvalidBakeInputException(String message) {
        super(message);
    }
}
