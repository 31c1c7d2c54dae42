package dev.kiln.sourcefetch.errors;

/** The state machine's request to source-fetch is not what it should be: a bug in the bake definition. */
public class MalformedRequestException extends RuntimeException {

    public MalformedRequestException(String message) {
        super(message);
    }
}
