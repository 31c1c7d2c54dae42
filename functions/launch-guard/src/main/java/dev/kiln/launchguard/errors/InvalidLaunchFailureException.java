package dev.kiln.launchguard.errors;

/** The payload is not a failed launch as the launch state machine reports one: nothing is counted. */
public class InvalidLaunchFailureException extends RuntimeException {

    public InvalidLaunchFailureException(String message) {
        super(message);
    }
}
