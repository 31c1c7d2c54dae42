package dev.kiln.release;

import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.launch.DynamoFailedLaunchLedger;
import dev.kiln.common.release.Release;
import dev.kiln.common.release.SsmReleaseSource;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Invoked by a person or a pipeline ({@code aws lambda invoke}): sets a role's release (and resumes the
 * role's groups suspended on the one before), or fails with {@code InvalidReleaseException} saying what is wrong.
 */
public final class ReleaseHandler extends JsonHandler<ReleaseRequest, ReleaseService.Outcome> {

    public ReleaseHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    ReleaseHandler(ReleaseService service) {
        super(payload -> ReleaseRequest.parse(payload),
                request -> service.set(request, Instant.now()));
    }

    private static ReleaseService build(Config config) {
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        S3Client s3 = AwsClients.build(S3Client.builder());
        AutoScalingClient autoScaling = AwsClients.build(AutoScalingClient.builder());
        SsmReleaseSource source = new SsmReleaseSource(ssm, config.releasePrefix());
        return new ReleaseService(
                SsmConfigSource.of(ssm, config.configParameter()),
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
                new DynamoFailedLaunchLedger(AwsClients.build(DynamoDbClient.builder()), config.failedLaunchesTable()),
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
                config.artifactsBucket(),
                config.releasePrefix());
    }
}
