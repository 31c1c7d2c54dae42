package dev.kiln.infra;

import dev.kiln.common.distribution.MemberAccess;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

/**
 * What a target account holds in one target region (docs/distribution.md): the role the hub assumes, with its
 * external id, for exactly its calls there: pointing the account's pointers {@code /<name>/images/<role>} at the
 * copies the hub shares with it, and reading what still uses a copy before retention removes it. The hub never
 * reaches further into a member account.
 *
 * <p>Deployed with the member account's credentials into each of its target regions (the stack itself names no
 * account or region: it is where it is deployed). Not built yet (issue 19): the member's own launch, drain and rotate.
 */
public final class KilnMemberStack extends Stack {

    /**
     * @param name       the hub deployment's name: its pointers and role are named after it
     * @param hubAccount the hub's account: only its principals, with the external id, may assume the role
     */
    public record Settings(String name, String hubAccount) {

        public Settings {
            if (hubAccount == null || !hubAccount.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("kiln:memberOf must be the hub's 12-digit account id, got '" + hubAccount + "'");
            }
        }
    }

    private final Role hubRole;

    public KilnMemberStack(Construct scope, String id, Settings settings) {
        super(scope, id, StackProps.builder()
                .description("Kiln member: lets the Kiln hub in account " + settings.hubAccount() + " point this account's image"
                        + " pointers and see what uses its copies")
                .build());
        hubRole = Role.Builder.create(this, "HubRole")
                .roleName(MemberAccess.roleName(settings.name(), Aws.REGION))
                .description("Assumed by the Kiln hub (" + settings.name() + " in " + settings.hubAccount() + ") to point"
                        + " /" + settings.name() + "/images/<role> here at its copies")
                .assumedBy(new AccountPrincipal(settings.hubAccount()))
                .externalIds(List.of(MemberAccess.externalId(settings.name(), settings.hubAccount())))
                .build();
        hubRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:PutParameter"))
                .resources(List.of(formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                        .resourceName(settings.name() + "/images/*").build())))
                .build());
        // SSM checks that an aws:ec2:image parameter names an image the caller can see; image-retention asks what here
        // still uses a copy (the pointers, launch templates, launch configurations, instances), as it asks in the hub
        hubRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:GetParametersByPath"))
                .resources(List.of(formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                        .resourceName(settings.name() + "/images").build())))
                .build());
        hubRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
                        "ec2:DescribeInstances", "autoscaling:DescribeLaunchConfigurations"))
                .resources(List.of("*")).build());
        NagSuppressions.addResourceSuppressions(hubRole, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("The pointers are /<name>/images/<role>, one per role the hub distributes here (<name>/images/*);"
                        + " EC2's Describe calls and DescribeLaunchConfigurations have no resource-level permissions.")
                .build()), true);

        CfnOutput.Builder.create(this, "HubRoleArn").value(hubRole.getRoleArn())
                .description("The role the hub assumes here (external id " + MemberAccess.externalId(settings.name(), settings.hubAccount()) + ")")
                .build();
    }

    public Role hubRole() {
        return hubRole;
    }
}
