package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.services.ec2.CfnSecurityGroup;
import software.amazon.awscdk.services.iam.InstanceProfile;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * What a builder instance runs as: a role that Systems Manager can manage, that may read source
 * bundles and write bake logs, and a security group in the builders' VPC with no inbound rule at all
 * (builders are reached through Run Command only).
 */
public final class BuilderAccess extends Construct {

    /** @param vpcId the VPC of the configured builder subnets */
    public record Props(String vpcId, IBucket artifacts) {
    }

    private final Role role;
    private final InstanceProfile instanceProfile;
    private final CfnSecurityGroup securityGroup;

    public BuilderAccess(Construct scope, String id, Props props) {
        super(scope, id);
        role = Role.Builder.create(this, "Role")
                .description("Kiln builder instances: managed by Systems Manager, read source bundles and releases, write bake logs")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")))
                .build();
        props.artifacts().grantRead(role, "bundles/*");
        props.artifacts().grantRead(role, "releases/*");
        props.artifacts().grantPut(role, "logs/*");
        instanceProfile = InstanceProfile.Builder.create(this, "InstanceProfile").role(role).build();
        securityGroup = CfnSecurityGroup.Builder.create(this, "SecurityGroup")
                .vpcId(props.vpcId())
                .groupDescription("Kiln builders: no inbound rule; outbound to package repositories, S3 and Systems Manager")
                .securityGroupEgress(List.of(CfnSecurityGroup.EgressProperty.builder()
                        .ipProtocol("-1").cidrIp("0.0.0.0/0").description("package repositories, S3, Systems Manager").build()))
                .build();

        NagSuppressions.addResourceSuppressions(role, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM4")
                        .reason("AmazonSSMManagedInstanceCore is what an instance needs to be reached by Run Command,"
                                + " Kiln's only way onto a builder.")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"))
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Builders read any source bundle (bundles/*) and release artifact (releases/*) and write"
                                + " logs of any bake (logs/*); the object keys are commit, release and build ids.")
                        .build()),
                true);
    }

    public Role role() {
        return role;
    }

    public InstanceProfile instanceProfile() {
        return instanceProfile;
    }

    public String securityGroupId() {
        return securityGroup.getAttrGroupId();
    }
}
