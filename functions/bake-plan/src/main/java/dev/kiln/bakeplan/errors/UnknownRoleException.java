package dev.kiln.bakeplan.errors;

/** The input names a role the configuration does not have. */
public class UnknownRoleException extends RuntimeException {

    public UnknownRoleException(String message) {
        super(message);
    }
}
