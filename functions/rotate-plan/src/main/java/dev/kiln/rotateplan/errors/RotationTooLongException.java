package dev.kiln.rotateplan.errors;

/**
 * Rotating the groups, as many at once as the configuration allows, could outlast the time a rotation
 * may run, which would stop it with refreshes still running: nothing is started and nothing is written.
 */
public class RotationTooLongException extends RuntimeException {

    public RotationTooLongException(String message) {
        super(message);
    }
}
