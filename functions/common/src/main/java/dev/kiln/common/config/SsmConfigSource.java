package dev.kiln.common.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The configuration from its SSM parameter, read again after {@code maxAge} so that a redeploy with a
 * new configuration reaches warm functions within minutes.
 */
public final class SsmConfigSource implements ConfigSource {

    private final SsmClient ssm;
    private final String parameter;
    private final Duration maxAge;
    private final Clock clock;
    private KilnConfig cached;
    private Instant readAt = Instant.MIN;

    public SsmConfigSource(SsmClient ssm, String parameter, Duration maxAge, Clock clock) {
        this.ssm = ssm;
        this.parameter = parameter;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public synchronized KilnConfig current() {
        Instant now = clock.instant();
        if (cached == null || readAt.plus(maxAge).isBefore(now)) {
            cached = KilnConfigJson.read(ssm.getParameter(r -> r.name(parameter)).parameter().value());
            readAt = now;
        }
        return cached;
    }
}
