package dev.kiln.rotategroup.errors;

/**
 * EC2 kept throttling after the SDK's own retries; the state machine retries the group's step later
 * (nothing was changed that a retry would repeat: a version created before the throttle is found again
 * through {@code $Latest}).
 */
public class Ec2ThrottledException extends RuntimeException {

    public Ec2ThrottledException(String message, Throwable cause) {
        super(message, cause);
    }
}
