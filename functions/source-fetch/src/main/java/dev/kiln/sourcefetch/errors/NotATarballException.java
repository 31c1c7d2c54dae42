package dev.kiln.sourcefetch.errors;

/** What GitHub sent is not a gzip tarball, or is larger than a source bundle may be. */
public class NotATarballException extends RuntimeException {

    public NotATarballException(String message) {
        super(message);
    }
}
