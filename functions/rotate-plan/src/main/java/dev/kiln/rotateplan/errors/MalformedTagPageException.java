package dev.kiln.rotateplan.errors;

/** A stored page of DescribeTags is not the TagDescriptions array the state machine should have written. */
public class MalformedTagPageException extends RuntimeException {

    public MalformedTagPageException(String message, Throwable cause) {
        super(message, cause);
    }
}
