package dev.kiln.distributeregion;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Regional;
import dev.kiln.distributeregion.Ports.Pointers;
import dev.kiln.distributeregion.RegionRequest.MemberRole;
import dev.kiln.distributeregion.errors.MemberUnreachableException;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * {@link Pointers} as SSM parameters of data type {@code aws:ec2:image}, like the hub's own; a member account's
 * through the role its member stack made for the hub, assumed for that one call (a short session, never kept).
 */
final class SsmPointers implements Pointers {

    static final String SESSION_NAME = "kiln-distribute";

    private final Regional<SsmClient> ssm;
    private final StsClient sts;

    SsmPointers(Regional<SsmClient> ssm, StsClient sts) {
        this.ssm = ssm;
        this.sts = sts;
    }

    @Override
    public void put(String region, MemberRole member, String name, String imageId, String description) {
        if (member == null) {
            write(ssm.in(region), name, imageId, description);
            return;
        }
        Credentials session;
        try {
            session = sts.assumeRole(r -> r.roleArn(member.roleArn()).externalId(member.externalId())
                    .roleSessionName(SESSION_NAME).durationSeconds(900)).credentials();
        } catch (StsException e) {
            throw new MemberUnreachableException("the hub cannot assume " + member.roleArn() + " (is the member stack deployed"
                    + " in that account and region, for this hub? docs/distribution.md): " + e.awsErrorDetails().errorMessage(), e);
        }
        try (SsmClient memberSsm = AwsClients.build(SsmClient.builder().region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        session.accessKeyId(), session.secretAccessKey(), session.sessionToken()))))) {
            write(memberSsm, name, imageId, description);
        }
    }

    private static void write(SsmClient client, String name, String imageId, String description) {
        client.putParameter(r -> r.name(name).value(imageId).type(ParameterType.STRING).dataType("aws:ec2:image")
                .overwrite(true).description(description));
    }
}
