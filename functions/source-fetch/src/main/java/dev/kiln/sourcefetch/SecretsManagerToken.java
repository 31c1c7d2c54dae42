package dev.kiln.sourcefetch;

import dev.kiln.common.Cached;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The GitHub token from Secrets Manager, kept for a few minutes. Until someone puts a token there
 * (the secret holds {@link #NO_TOKEN} when Kiln creates it), tarballs are fetched without one, which
 * works for public repositories only.
 */
public final class SecretsManagerToken implements Supplier<Optional<String>> {

    /** What the secret holds until a token is put in it. */
    public static final String NO_TOKEN = "unset";
    static final Duration KEEP = Duration.ofMinutes(5);

    private final Cached<Optional<String>> token;

    SecretsManagerToken(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.token = new Cached<>(KEEP, clock, () -> usable(secretsManager.getSecretValue(r -> r.secretId(secretId)).secretString()));
    }

    @Override
    public Optional<String> get() {
        return token.get();
    }

    static Optional<String> usable(String value) {
        String token = value == null ? "" : value.strip();
        return token.isEmpty() || token.equals(NO_TOKEN) ? Optional.empty() : Optional.of(token);
    }
}
