package dev.kiln.infra;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.distribution.DistributionPatterns;
import dev.kiln.common.distribution.MemberAccess;
import dev.kiln.infra.constructs.ArtifactStore;
import dev.kiln.infra.constructs.DeadLetters;
import dev.kiln.infra.constructs.KilnFunction;
import dev.kiln.infra.constructs.LifecycleWorkflows;
import dev.kiln.infra.constructs.Notifications;
import dev.kiln.infra.constructs.RotateWorkflow;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * What a target account holds in one target region (docs/distribution.md): the role the hub assumes, with its
 * external id, for exactly its calls there (pointing the account's pointers {@code /<name>/images/<role>} at the
 * copies the hub shares with it, and reading what still uses a copy before retention removes it), and the
 * member's own fleet workflows there: {@code <name>-launch} and {@code <name>-drain} on its groups' lifecycle hooks,
 * with its own releases ({@code /<name>/releases/<role>}, artifacts in its own bucket), and {@code <name>-rotate},
 * which rotates its opted-in groups onto the copies those pointers name, on the region's schedule and in its
 * time zone. The hub never reaches further into a member account.
 *
 * <p>Deployed with the member account's credentials into each of its target regions.
 */
public final class KilnMemberStack extends Stack {

    /**
     * @param name       the hub deployment's name: its pointers, role, bus, parameters and state machines are named after it
     * @param hubAccount the hub's account: only its principals, with the external id, may assume the role
     * @param region     where the stack is deployed: a target region of the configuration
     * @param account    the account it is deployed to, when the CDK knows it (then it must be one the configuration
     *                   lists in that region, or the hub's own); null when it does not
     * @param layout     where the function archives and state machine definitions are
     * @param config     the hub's configuration, already read and checked
     */
    public record Settings(String name, String hubAccount, String region, String account, RepositoryLayout layout,
                           KilnConfig config) {

        public Settings {
            if (hubAccount == null || !hubAccount.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("kiln:memberOf must be the hub's 12-digit account id, got '" + hubAccount + "'");
            }
            if (region == null || !DistributionPatterns.REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("say which region the member stack goes to (AWS_REGION, or the profile's"
                        + " region), got '" + region + "'");
            }
            List<String> regions = config.distribution().regions();
            if (!regions.contains(region)) {
                throw new IllegalArgumentException("the configuration's distribution names no target in " + region
                        + " (its target regions: " + (regions.isEmpty() ? "none" : String.join(", ", regions))
                        + "): a member stack there would never receive an image");
            }
            if (account != null && !listed(config.distribution(), region, account, hubAccount)) {
                throw new IllegalArgumentException("the configuration's distribution lists no target account " + account
                        + " in " + region + ": deploy the member stack with the credentials of an account it lists there");
            }
        }

        private static boolean listed(KilnConfig.Distribution distribution, String region, String account, String hub) {
            return distribution.targets().stream().filter(target -> target.regions().contains(region))
                    .anyMatch(target -> target.accounts().contains(account) || account.equals(hub)
                            && target.accounts().isEmpty() && target.organizationalUnits().isEmpty());
        }

        /** The roles whose images come to this region: their fleets here launch, drain and rotate with this stack. */
        public List<String> roles() {
            return config.roles().stream().map(KilnConfig.Role::name)
                    .filter(role -> config.distribution().regions(role).contains(region)).toList();
        }

        public String stateMachinePrefix() {
            return name + "-";
        }

        public String parameterPrefix() {
            return "/" + name + "/";
        }
    }

    private final Role hubRole;
    private final Notifications notifications;
    private final EventBus bus;
    private final RotateWorkflow rotation;
    private final LifecycleWorkflows lifecycle;

    public KilnMemberStack(Construct scope, String id, Settings settings) {
        super(scope, id, StackProps.builder()
                .description("Kiln member: lets the Kiln hub in account " + settings.hubAccount() + " point this account's image"
                        + " pointers and see what uses its copies; deploys, drains and rotates this account's fleets onto them")
                .env(Environment.builder().region(settings.region()).account(settings.account()).build())
                .build());
        hubRole = Role.Builder.create(this, "HubRole")
                .roleName(MemberAccess.roleName(settings.name(), settings.region()))
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

        RepositoryLayout layout = settings.layout();
        bus = EventBus.Builder.create(this, "Bus").eventBusName(settings.name()).build();
        notifications = new Notifications(this, "Notifications", new Notifications.Props(
                new KilnFunction.Code(layout.functionArchive("notify"), "dev.kiln.notify.NotifyHandler"),
                settings.stateMachinePrefix()));
        StringParameter config = KilnStack.configParameter(this, settings.parameterPrefix(), settings.config());
        ArtifactStore artifacts = new ArtifactStore(this, "Artifacts");
        rotation = FleetWorkflows.rotation(this, layout, settings.name(),
                settings.config().distribution().rotation(settings.region(), settings.config().rotation()), config,
                new RotateWorkflow.Pointed(settings.parameterPrefix() + "images/"), null, artifacts.bucket(), bus,
                notifications.topic());
        lifecycle = FleetWorkflows.lifecycle(this, layout, settings.name(), config, artifacts.bucket(), settings.roles(),
                settings.config().concurrency().lifecycle(), notifications.topic(), null);
        DeadLetters.watchAll(this, settings.name(), notifications.topic());

        output("HubRoleArn", hubRole.getRoleArn(),
                "The role the hub assumes here (external id " + MemberAccess.externalId(settings.name(), settings.hubAccount()) + ")");
        output("EventBusName", bus.getEventBusName(), "This member's Kiln events (its rotations) are put on this bus");
        output("NotificationTopicArn", notifications.topic().getTopicArn(),
                "Subscribe here to hear about this member's failed Kiln workflows");
        output("ArtifactBucketName", artifacts.bucket().getBucketName(),
                "This member's releases (releases/<role>/...), launch and drain logs, and each rotation's groups and report");
        FleetWorkflows.outputs(this, settings.name(), lifecycle, rotation);
    }

    private void output(String id, String value, String description) {
        FleetWorkflows.output(this, id, value, description);
    }

    public Role hubRole() {
        return hubRole;
    }

    public Notifications notifications() {
        return notifications;
    }

    public EventBus bus() {
        return bus;
    }

    public RotateWorkflow rotation() {
        return rotation;
    }

    public LifecycleWorkflows lifecycle() {
        return lifecycle;
    }
}
