package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * The artifact bucket: source bundles ({@code bundles/<sha>.tar.gz}), Run Command output of every
 * bake ({@code logs/<role>/<build>/...}), the manifests of baked images ({@code manifests/<role>/<ami>.json})
 * and each rotation's groups, tags and report ({@code rotations/<execution>/...}).
 * Bundles, logs and rotations expire; manifests are kept. The bucket outlives the stack.
 */
public final class ArtifactStore extends Construct {

    static final int LOG_DAYS = 90;
    static final int BUNDLE_DAYS = 90;
    static final int ROTATION_DAYS = 90;

    private final Bucket bucket;

    public ArtifactStore(Construct scope, String id) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .lifecycleRules(List.of(
                        LifecycleRule.builder().id("ExpireLogs").prefix("logs/").expiration(Duration.days(LOG_DAYS)).build(),
                        LifecycleRule.builder().id("ExpireBundles").prefix("bundles/").expiration(Duration.days(BUNDLE_DAYS)).build(),
                        LifecycleRule.builder().id("ExpireRotations").prefix("rotations/").expiration(Duration.days(ROTATION_DAYS)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(bucket, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("Only Kiln's own roles read and write this bucket; audit its access with CloudTrail data events"
                        + " where required rather than a second bucket for server access logs.")
                .build()));
    }

    public Bucket bucket() {
        return bucket;
    }
}
