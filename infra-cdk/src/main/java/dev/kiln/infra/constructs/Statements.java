package dev.kiln.infra.constructs;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.distribution.MemberAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** The policy statements Kiln's constructs grant with, written once. */
final class Statements {

    private Statements() {
    }

    static PolicyStatement allow(List<String> actions, String resource) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build();
    }

    /** {@code actions} on any resource that carries a {@code kiln:build-id} tag, i.e. a bake's builder or image. */
    static PolicyStatement onKilnBuild(List<String> actions) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of("*"))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:build-id", "false"))).build();
    }

    /** An EC2 resource of this account and region, e.g. {@code instance/*}. */
    static String ec2(Stack stack, String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource).build());
    }

    /** An image or snapshot: their ARNs carry no account, since they may be another account's. */
    static String shared(Stack stack, String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").account("").resource(resource).build());
    }

    /**
     * Assuming the role each target account's member stack makes for the hub, in each region the account is a target in
     * (docs/distribution.md): exactly those; none without target accounts.
     */
    static Optional<PolicyStatement> assumeMemberRoles(String name, KilnConfig.Distribution distribution) {
        List<String> roles = distribution.targets().stream()
                .flatMap(target -> target.accounts().stream().flatMap(account -> target.regions().stream()
                        .map(region -> MemberAccess.roleArn(Aws.PARTITION, account, name, region))))
                .distinct()
                .toList();
        return roles.isEmpty() ? Optional.empty()
                : Optional.of(PolicyStatement.Builder.create().actions(List.of("sts:AssumeRole")).resources(roles).build());
    }

    /** A state machine whose distributed Map runs its items as child executions of itself: starting, watching, stopping them. */
    static List<PolicyStatement> ownChildExecutions(Stack stack, String machineName) {
        return List.of(
                allow(List.of("states:StartExecution"), stack.formatArn(ArnComponents.builder().service("states")
                        .resource("stateMachine").resourceName(machineName).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())),
                allow(List.of("states:DescribeExecution", "states:StopExecution"), stack.formatArn(ArnComponents.builder()
                        .service("states").resource("execution").resourceName(machineName + "/*")
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())));
    }

    /**
     * Launching from one of Kiln's launch templates (tagged kiln:role), as Auto Scaling checks a group's template or a
     * refresh's desired configuration: ec2:RunInstances on the template and on what a launch from it uses and makes,
     * ec2:CreateTags at launch only, and iam:PassRole of the instance profile's role to EC2 only.
     */
    static List<PolicyStatement> launchFromKilnTemplates(Stack stack) {
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("ec2:RunInstances"))
                        .resources(List.of(ec2(stack, "launch-template/*")))
                        .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:role", "false")))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("ec2:RunInstances"))
                        .resources(List.of(ec2(stack, "instance/*"), ec2(stack, "volume/*"), ec2(stack, "network-interface/*"),
                                ec2(stack, "subnet/*"), ec2(stack, "security-group/*"), ec2(stack, "key-pair/*"),
                                ec2(stack, "spot-instances-request/*"), ec2(stack, "placement-group/*"),
                                ec2(stack, "capacity-reservation/*"), shared(stack, "image/*")))
                        .conditions(Map.of("ArnLike", Map.of("ec2:LaunchTemplate", ec2(stack, "launch-template/*"))))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("ec2:CreateTags"))
                        .resources(List.of(ec2(stack, "instance/*"), ec2(stack, "volume/*"), ec2(stack, "network-interface/*"),
                                ec2(stack, "spot-instances-request/*")))
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances")))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("iam:PassRole"))
                        .resources(List.of(stack.formatArn(ArnComponents.builder().service("iam").region("").resource("role")
                                .resourceName("*").build())))
                        .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                        .build());
    }
}
