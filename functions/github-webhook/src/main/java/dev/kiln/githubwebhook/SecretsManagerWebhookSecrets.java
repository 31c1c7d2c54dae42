package dev.kiln.githubwebhook;

import dev.kiln.common.Cached;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The webhook secret from Secrets Manager: the current value and, while a rotation settles, the
 * previous one, so that deliveries signed with either still verify. Read once and kept for a few
 * minutes; read again at once (at most every few seconds) when a signature does not match.
 */
final class SecretsManagerWebhookSecrets implements Ports.WebhookSecrets {

    static final Duration KEEP = Duration.ofMinutes(5);
    static final Duration MIN_REFRESH = Duration.ofSeconds(10);

    private final Cached<List<String>> values;

    SecretsManagerWebhookSecrets(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.values = new Cached<>(KEEP, clock, () -> read(secretsManager, secretId));
    }

    @Override
    public List<String> candidates() {
        return values.get();
    }

    @Override
    public boolean refresh() {
        return values.refresh(MIN_REFRESH);
    }

    private static List<String> read(SecretsManagerClient secretsManager, String secretId) {
        List<String> read = new ArrayList<>();
        for (String stage : List.of("AWSCURRENT", "AWSPREVIOUS")) {
            try {
                read.add(secretsManager.getSecretValue(r -> r.secretId(secretId).versionStage(stage)).secretString());
            } catch (ResourceNotFoundException noSuchStage) {
                // no previous version until the first rotation
            }
        }
        return List.copyOf(read);
    }
}
