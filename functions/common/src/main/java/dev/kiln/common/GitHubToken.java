package dev.kiln.common;

import java.util.Optional;

/**
 * The GitHub token Kiln keeps in Secrets Manager (output GitHubTokenSecretName): Kiln creates the secret holding
 * {@link #NONE} until someone puts a token in it; without a token only a public repository can be read.
 */
public final class GitHubToken {

    /** What the secret holds until a token is put in it. */
    public static final String NONE = "unset";

    private GitHubToken() {
    }

    /** The token the secret's value is, if it is one. */
    public static Optional<String> usable(String value) {
        String token = value == null ? "" : value.strip();
        return token.isEmpty() || token.equals(NONE) ? Optional.empty() : Optional.of(token);
    }
}
