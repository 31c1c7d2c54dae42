package dev.kiln.sourcefetch.errors;

/** GitHub has no such commit in the repository, or the token may not read it: the bake fails, retrying cannot help. */
public class CommitNotFoundException extends RuntimeException {

    public CommitNotFoundException(String message) {
        super(message);
    }
}
