package dev.kiln.sourcefetch.errors;

/** GitHub could not be reached or answered with a server error or a rate limit: worth retrying. */
public class GitHubUnavailableException extends RuntimeException {

    public GitHubUnavailableException(String message) {
        super(message);
    }
}
