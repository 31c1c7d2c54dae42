package dev.kiln.release;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.launch.DynamoFailedLaunchLedger;
import dev.kiln.common.release.Release;
import dev.kiln.common.release.SsmReleaseSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Invoked by a person or a pipeline ({@code aws lambda invoke}): sets a role's release (and resumes the
 * role's groups suspended on the one before), or fails with {@code InvalidReleaseException} saying what is wrong.
 */
public final class ReleaseHandler implements RequestStreamHandler {

    private final ReleaseService service;

    public ReleaseHandler() {
        this(new Environment(System.getenv()));
    }

    private ReleaseHandler(Environment env) {
        this(build(env, AwsClients.build(SsmClient.builder()), AwsClients.build(S3Client.builder()),
                AwsClients.build(DynamoDbClient.builder()), AwsClients.build(AutoScalingClient.builder())));
    }

    ReleaseHandler(ReleaseService service) {
        this.service = service;
    }

    private static ReleaseService build(Environment env, SsmClient ssm, S3Client s3, DynamoDbClient dynamo,
                                        AutoScalingClient autoScaling) {
        String prefix = env.require("RELEASE_PARAMETER_PREFIX");
        SsmReleaseSource source = new SsmReleaseSource(ssm, prefix);
        return new ReleaseService(
                new SsmConfigSource(ssm, env.require("CONFIG_PARAMETER"), Duration.ofMinutes(1), Clock.systemUTC()),
                (bucket, key) -> {
                    try {
                        return Optional.<InputStream>of(s3.getObject(r -> r.bucket(bucket).key(key)));
                    } catch (NoSuchKeyException e) {
                        return Optional.empty();
                    }
                },
                new Ports.Releases() {
                    @Override
                    public Optional<Release> current(String role) {
                        return source.current(role);
                    }

                    @Override
                    public long put(Release release) {
                        return ssm.putParameter(r -> r.name(source.parameter(release.role())).type(ParameterType.STRING)
                                .overwrite(true).value(release.toJson())
                                .description("Kiln: the current release of role " + release.role())).version();
                    }
                },
                new DynamoFailedLaunchLedger(dynamo, env.require("FAILED_LAUNCHES_TABLE")),
                group -> {
                    try {
                        autoScaling.resumeProcesses(r -> r.autoScalingGroupName(group).scalingProcesses("Launch"));
                        return true;
                    } catch (AutoScalingException e) {
                        // a missing group is refused by the policy (it has no kiln:role tag to match), or
                        // answered with a ValidationError saying so
                        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
                        if ("AccessDenied".equals(code) || String.valueOf(e.getMessage()).contains("not found")) {
                            return false;
                        }
                        throw e;
                    }
                },
                env.require("ARTIFACT_BUCKET"),
                prefix);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] request = input.readAllBytes();
        ReleaseService.Outcome outcome = PowertoolsLogging.withLogging(context,
                () -> service.set(ReleaseRequest.parse(request), Instant.now()));
        Json.MAPPER.writeValue(output, outcome);
    }
}
