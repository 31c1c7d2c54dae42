package dev.kiln.bluegreendecide.errors;

/**
 * No release of the role waits for this decision: none runs, it waits for another kind (an approval, not a
 * rollback), it was decided already, or its wait ended. Nothing was changed.
 */
public class NothingToDecideException extends RuntimeException {

    public NothingToDecideException(String message) {
        super(message);
    }
}
