package dev.kiln.launchguard;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.launch.DynamoFailedLaunchLedger;
import dev.kiln.launchguard.errors.InvalidLaunchFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * launch's state after it ABANDONed an instance. Its payload: {@code {"event": <the execution input>,
 * "executionArn": ..., "state": <the execution's state>}}; its answer: the {@link LaunchGuardService.Verdict}.
 */
public final class LaunchGuardHandler implements RequestStreamHandler {

    private final LaunchGuardService service;

    public LaunchGuardHandler() {
        this(Config.fromEnv(System.getenv()));
    }

    private LaunchGuardHandler(Config config) {
        this(build(config, AwsClients.build(SsmClient.builder()), AwsClients.build(DynamoDbClient.builder()),
                AwsClients.build(AutoScalingClient.builder()), AwsClients.build(SnsClient.builder())));
    }

    LaunchGuardHandler(LaunchGuardService service) {
        this.service = service;
    }

    private static LaunchGuardService build(Config config, SsmClient ssm, DynamoDbClient dynamo,
                                            AutoScalingClient autoScaling, SnsClient sns) {
        return new LaunchGuardService(
                new SsmConfigSource(ssm, config.configParameter(), Duration.ofMinutes(1), Clock.systemUTC()),
                new DynamoFailedLaunchLedger(dynamo, config.failedLaunchesTable()),
                group -> autoScaling.suspendProcesses(r -> r.autoScalingGroupName(group).scalingProcesses("Launch")),
                (subject, message) -> sns.publish(r -> r.topicArn(config.topicArn()).subject(subject).message(message))
                        .messageId());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(input);
        } catch (JsonProcessingException e) {
            throw new InvalidLaunchFailureException("the payload is not JSON: " + e.getOriginalMessage());
        }
        LaunchGuardService.Verdict verdict = PowertoolsLogging.withLogging(context,
                () -> service.count(LaunchFailure.from(payload), Instant.now()));
        Json.MAPPER.writeValue(output, verdict);
    }
}
