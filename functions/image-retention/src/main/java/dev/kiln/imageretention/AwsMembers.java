package dev.kiln.imageretention;

import dev.kiln.common.AwsClients;
import dev.kiln.common.distribution.MemberAccess;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * {@link ImageRetentionService.Members} through the role each member stack made for the hub (docs/distribution.md),
 * assumed once per member and region a run asks about; the member's images are read as {@link AwsImages} reads the
 * hub's.
 */
final class AwsMembers implements ImageRetentionService.Members {

    static final String SESSION_NAME = "kiln-image-retention";

    private final StsClient sts;
    private final String deployment;
    private final String pointerPrefix;
    private GetCallerIdentityResponse hub;

    /** @param deployment the hub deployment's name: the member roles and their external id are named after it */
    AwsMembers(StsClient sts, String deployment, String pointerPrefix) {
        this.sts = sts;
        this.deployment = deployment;
        this.pointerPrefix = pointerPrefix;
    }

    @Override
    public Images in(String account, String region) {
        if (hub == null) {
            hub = sts.getCallerIdentity();
        }
        String partition = hub.arn().split(":", 3)[1];
        Credentials session = sts.assumeRole(r -> r.roleArn(MemberAccess.roleArn(partition, account, deployment, region))
                .externalId(MemberAccess.externalId(deployment, hub.account())).roleSessionName(SESSION_NAME)
                .durationSeconds(900)).credentials();
        AwsCredentialsProvider member = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                session.accessKeyId(), session.secretAccessKey(), session.sessionToken()));
        Region where = Region.of(region);
        return new AwsImages(AwsClients.build(Ec2Client.builder().region(where).credentialsProvider(member)),
                AwsClients.build(AutoScalingClient.builder().region(where).credentialsProvider(member)),
                AwsClients.build(SsmClient.builder().region(where).credentialsProvider(member)), pointerPrefix);
    }
}
