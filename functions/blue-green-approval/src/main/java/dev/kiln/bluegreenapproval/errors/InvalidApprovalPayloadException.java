package dev.kiln.bluegreenapproval.errors;

/** The payload is not a wait the blue-green state machine asks for (its token, kind, plan and timeout). */
public class InvalidApprovalPayloadException extends RuntimeException {

    public InvalidApprovalPayloadException(String message) {
        super(message);
    }
}
