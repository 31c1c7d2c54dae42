package dev.kiln.launchguard;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.KilnMetrics;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.launch.DynamoFailedLaunchLedger;
import dev.kiln.launchguard.errors.InvalidLaunchFailureException;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * launch's state after it ABANDONed an instance. Its payload: {@code {"event": <the execution input>,
 * "executionArn": ..., "state": <the execution's state>}}; its answer: the {@link LaunchGuardService.Verdict}.
 *
 * <p>launch calls it after every ABANDON and only then, so it is where Kiln counts them: metric
 * {@code Kiln LifecycleActions}, dimension {@code Result=ABANDON}, once per failed launch (a report of one
 * already counted is not counted again). The stack's ABANDON rate alarm reads it.
 */
public final class LaunchGuardHandler extends JsonHandler<LaunchFailure, LaunchGuardService.Verdict> {

    public LaunchGuardHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    LaunchGuardHandler(LaunchGuardService service) {
        super(payload -> LaunchFailure.from(Json.tree(payload, InvalidLaunchFailureException::new)),
                failure -> counted(service.count(failure, Instant.now())));
    }

    private static LaunchGuardService.Verdict counted(LaunchGuardService.Verdict verdict) {
        if (!LaunchGuardService.ALREADY_COUNTED.equals(verdict.reason())) {
            KilnMetrics.count("LifecycleActions", Map.of("Result", "ABANDON"), 1);
        }
        return verdict;
    }

    private static LaunchGuardService build(Config config) {
        AutoScalingClient autoScaling = AwsClients.build(AutoScalingClient.builder());
        SnsClient sns = AwsClients.build(SnsClient.builder());
        return new LaunchGuardService(
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                new DynamoFailedLaunchLedger(AwsClients.build(DynamoDbClient.builder()), config.failedLaunchesTable()),
                group -> autoScaling.suspendProcesses(r -> r.autoScalingGroupName(group).scalingProcesses("Launch")),
                (subject, message) -> sns.publish(r -> r.topicArn(config.topicArn()).subject(subject).message(message))
                        .messageId());
    }
}
