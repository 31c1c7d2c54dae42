package dev.kiln.githubwebhook.errors;

/** A signed delivery whose payload cannot be read as the event it claims to be: answered 400. */
public class MalformedPayloadException extends RuntimeException {

    public MalformedPayloadException(String message) {
        super(message);
    }
}
