package dev.kiln.bluegreenplan.errors;

/**
 * The role's release cannot start as things are: which colour is idle is unclear (both or neither carry the
 * listener's traffic), another release of the role is running, a listener, group or target group is missing
 * or not set up as blue/green needs, or there is nothing new to release. Nothing was changed.
 */
public class ReleaseRefusedException extends RuntimeException {

    public ReleaseRefusedException(String message) {
        super(message);
    }
}
