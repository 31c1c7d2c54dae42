package dev.kiln.lifecycleplan.errors;

/** The input is not an Auto Scaling lifecycle action event this workflow handles: nothing can be completed. */
public class InvalidLifecycleEventException extends RuntimeException {

    public InvalidLifecycleEventException(String message) {
        super(message);
    }
}
