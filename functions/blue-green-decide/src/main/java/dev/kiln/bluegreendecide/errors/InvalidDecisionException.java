package dev.kiln.bluegreendecide.errors;

/** A decision by command that Kiln cannot take: not JSON, an unknown decision, or no role. */
public class InvalidDecisionException extends RuntimeException {

    public InvalidDecisionException(String message) {
        super(message);
    }
}
