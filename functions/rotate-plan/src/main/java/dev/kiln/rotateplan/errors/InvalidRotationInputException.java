package dev.kiln.rotateplan.errors;

/**
 * The rotation's payload or its execution input is not what rotate accepts (e.g. {@code asgs} is not a
 * list of Auto Scaling group names): nothing is planned and nothing is written.
 */
public class InvalidRotationInputException extends RuntimeException {

    public InvalidRotationInputException(String message) {
        super(message);
    }
}
