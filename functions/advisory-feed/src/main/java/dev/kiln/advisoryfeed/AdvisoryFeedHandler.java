package dev.kiln.advisoryfeed;

import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.SsmConfigSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * On its schedule (or invoked by hand with any input): reads the configured ALAS feeds once and
 * answers what happened to each, e.g. {@code {"feeds": [{"feed": "AL2023/alas.rss", "result": "read", "announced": 1, ...}]}}.
 */
public final class AdvisoryFeedHandler extends JsonHandler<Instant, Map<String, List<AdvisoryFeedService.FeedOutcome>>> {

    public AdvisoryFeedHandler() {
        this(Config.fromEnv(System.getenv()));
    }

    /** A scheduled run takes nothing from its event but the time it runs at. */
    private AdvisoryFeedHandler(Config config) {
        this(SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                new DynamoLedger(AwsClients.build(DynamoDbClient.builder()), config.ledgerTable()),
                new StepFunctionsAnnouncer(AwsClients.build(SfnClient.builder()), config.announceStateMachineArn()),
                new EmfMetrics());
    }

    private AdvisoryFeedHandler(ConfigSource configs, DynamoLedger ledger, StepFunctionsAnnouncer announcer, EmfMetrics metrics) {
        super(payload -> Instant.now(), now -> Map.of("feeds", service(configs.current().advisories(), ledger, announcer, metrics).run(now)));
    }

    /** The feeds and the site come from the configuration as it is now, so a redeploy reaches a warm function. */
    private static AdvisoryFeedService service(KilnConfig.Advisories settings, DynamoLedger ledger, StepFunctionsAnnouncer announcer,
                                               EmfMetrics metrics) {
        return new AdvisoryFeedService(
                new AdvisoryFeedService.Settings(settings.feeds().stream()
                        .map(v -> AmazonLinux.of(v).orElseThrow(() -> new IllegalStateException("unknown feed " + v))).toList(),
                        settings.baseline()),
                new HttpSite(settings.siteUrl()), ledger, announcer, metrics);
    }
}
