package dev.kiln.lifecycleplan.errors;

/** The instance has no kiln:role tag, or a role the configuration does not have: the launch is abandoned. */
public class UnknownInstanceRoleException extends RuntimeException {

    public UnknownInstanceRoleException(String message) {
        super(message);
    }
}
