package dev.kiln.bluegreenplan.errors;

/** The release asked for is not one Kiln can start: a payload or input that does not fit, a role unknown or not released blue/green. */
public class InvalidBlueGreenInputException extends RuntimeException {

    public InvalidBlueGreenInputException(String message) {
        super(message);
    }
}
