package dev.kiln.distributeregion.errors;

/** The region's key alias names no key (or no enabled one) there: nothing is copied; the alias in kiln.json or the key must be fixed. */
public class KeyNotFoundException extends RuntimeException {

    public KeyNotFoundException(String message) {
        super(message);
    }

    public KeyNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
