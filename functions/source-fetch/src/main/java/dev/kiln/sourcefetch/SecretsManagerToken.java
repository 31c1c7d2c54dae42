package dev.kiln.sourcefetch;

import dev.kiln.common.Cached;
import dev.kiln.common.GitHubToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The GitHub token from Secrets Manager, kept for a few minutes. Until someone puts a token there
 * (the secret holds {@link GitHubToken#NONE} when Kiln creates it), tarballs are fetched without one,
 * which works for public repositories only.
 */
public final class SecretsManagerToken implements Supplier<Optional<String>> {

    static final Duration KEEP = Duration.ofMinutes(5);

    private final Cached<Optional<String>> token;

    SecretsManagerToken(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.token = new Cached<>(KEEP, clock, () -> GitHubToken.usable(secretsManager.getSecretValue(r -> r.secretId(secretId)).secretString()));
    }

    @Override
    public Optional<String> get() {
        return token.get();
    }
}
