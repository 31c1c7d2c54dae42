package dev.kiln.distributeregion.errors;

/**
 * The hub cannot assume a member account's role for it (no member stack there yet, another deployment's, or a trust
 * that does not name this hub): that target's pointer is not written; the member stack must be deployed or mended.
 */
public class MemberUnreachableException extends RuntimeException {

    public MemberUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
