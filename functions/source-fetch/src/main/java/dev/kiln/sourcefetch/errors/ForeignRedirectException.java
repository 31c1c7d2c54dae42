package dev.kiln.sourcefetch.errors;

/** GitHub's answer redirected to a host that is not the configured GitHub's: nothing is downloaded from it. */
public class ForeignRedirectException extends RuntimeException {

    public ForeignRedirectException(String message) {
        super(message);
    }
}
