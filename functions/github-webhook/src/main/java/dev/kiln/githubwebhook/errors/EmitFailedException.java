package dev.kiln.githubwebhook.errors;

/** EventBridge took the request but refused the event: answered 503, so that GitHub's redelivery can try again. */
public class EmitFailedException extends RuntimeException {

    public EmitFailedException(String message) {
        super(message);
    }
}
