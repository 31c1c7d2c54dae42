package dev.kiln.common.config;

import dev.kiln.common.Cached;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The configuration from its SSM parameter, read again after {@code maxAge} so that a redeploy with a
 * new configuration reaches warm functions within minutes.
 */
public final class SsmConfigSource implements ConfigSource {

    private final Cached<KilnConfig> config;

    /** Every function's configuration: read again a minute after it was last read. */
    public static SsmConfigSource of(SsmClient ssm, String parameter) {
        return new SsmConfigSource(ssm, parameter, Duration.ofMinutes(1), Clock.systemUTC());
    }

    public SsmConfigSource(SsmClient ssm, String parameter, Duration maxAge, Clock clock) {
        this.config = new Cached<>(maxAge, clock,
                () -> KilnConfigJson.read(ssm.getParameter(r -> r.name(parameter)).parameter().value()));
    }

    @Override
    public KilnConfig current() {
        return config.get();
    }
}
