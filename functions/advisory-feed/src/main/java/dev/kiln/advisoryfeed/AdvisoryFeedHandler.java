package dev.kiln.advisoryfeed;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.SsmConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * On its schedule (or invoked by hand with any input): reads the configured ALAS feeds once and
 * answers what happened to each, e.g. {@code {"feeds": [{"feed": "AL2023/alas.rss", "result": "read", "announced": 1, ...}]}}.
 */
public final class AdvisoryFeedHandler implements RequestStreamHandler {

    private final SsmConfigSource configs;
    private final DynamoLedger ledger;
    private final StepFunctionsAnnouncer announcer;
    private final EmfMetrics metrics = new EmfMetrics(System.out, Clock.systemUTC());

    public AdvisoryFeedHandler() {
        this(new Environment(System.getenv()));
    }

    private AdvisoryFeedHandler(Environment env) {
        this.configs = new SsmConfigSource(AwsClients.build(SsmClient.builder()), env.require("CONFIG_PARAMETER"),
                Duration.ofMinutes(1), Clock.systemUTC());
        this.ledger = new DynamoLedger(AwsClients.build(DynamoDbClient.builder()), env.require("LEDGER_TABLE"));
        this.announcer = new StepFunctionsAnnouncer(AwsClients.build(SfnClient.builder()), env.require("ANNOUNCE_STATE_MACHINE_ARN"));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        KilnConfig.Advisories settings = configs.current().advisories();
        AdvisoryFeedService service = new AdvisoryFeedService(
                new AdvisoryFeedService.Settings(settings.feeds().stream()
                        .map(v -> AmazonLinux.of(v).orElseThrow(() -> new IllegalStateException("unknown feed " + v))).toList(),
                        settings.baseline()),
                new HttpSite(settings.siteUrl()), ledger, announcer, metrics);
        var outcomes = PowertoolsLogging.withLogging(context, () -> service.run(Instant.now()));
        Json.MAPPER.writeValue(output, Map.of("feeds", outcomes));
    }
}
