package dev.kiln.sourcefetch.errors;

/** GitHub refused the token (401/403 that is not a rate limit): the bake fails until the token is fixed. */
public class GitHubAccessDeniedException extends RuntimeException {

    public GitHubAccessDeniedException(String message) {
        super(message);
    }
}
