package dev.kiln.distributeregion.errors;

/** EC2 gave up on a copy (its state is failed, invalid or error), or the copy is gone: distribute copies again with a new token, up to its retries. */
public class CopyFailedException extends RuntimeException {

    public CopyFailedException(String message) {
        super(message);
    }

    public CopyFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
