package dev.kiln.infra.probe;

/** Thrown by {@link ProbeHandler} on request, to see how the executor reports a Java error. */
public class ProbeFailedException extends RuntimeException {

    public ProbeFailedException(String message) {
        super(message);
    }
}
