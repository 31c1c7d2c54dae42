package dev.kiln.githubwebhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    private final SecretsManagerClient secretsManager;
    private final String secretId;
    private final Clock clock;
    private List<String> values = List.of();
    private Instant readAt = Instant.MIN;

    SecretsManagerWebhookSecrets(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.secretsManager = secretsManager;
        this.secretId = secretId;
        this.clock = clock;
    }

    @Override
    public synchronized List<String> candidates() {
        if (readAt.plus(KEEP).isBefore(clock.instant())) {
            read();
        }
        return values;
    }

    @Override
    public synchronized boolean refresh() {
        if (readAt.plus(MIN_REFRESH).isAfter(clock.instant())) {
            return false;
        }
        List<String> before = values;
        read();
        return !values.equals(before);
    }

    private void read() {
        List<String> read = new ArrayList<>();
        for (String stage : List.of("AWSCURRENT", "AWSPREVIOUS")) {
            try {
                read.add(secretsManager.getSecretValue(r -> r.secretId(secretId).versionStage(stage)).secretString());
            } catch (ResourceNotFoundException noSuchStage) {
                // no previous version until the first rotation
            }
        }
        values = List.copyOf(read);
        readAt = clock.instant();
    }
}
