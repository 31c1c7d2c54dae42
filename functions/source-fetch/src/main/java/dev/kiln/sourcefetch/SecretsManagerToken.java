package dev.kiln.sourcefetch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    private final SecretsManagerClient secretsManager;
    private final String secretId;
    private final Clock clock;
    private Optional<String> token = Optional.empty();
    private Instant readAt = Instant.MIN;

    SecretsManagerToken(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.secretsManager = secretsManager;
        this.secretId = secretId;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<String> get() {
        if (readAt.plus(KEEP).isBefore(clock.instant())) {
            token = usable(secretsManager.getSecretValue(r -> r.secretId(secretId)).secretString());
            readAt = clock.instant();
        }
        return token;
    }

    static Optional<String> usable(String value) {
        String token = value == null ? "" : value.strip();
        return token.isEmpty() || token.equals(NO_TOKEN) ? Optional.empty() : Optional.of(token);
    }
}
