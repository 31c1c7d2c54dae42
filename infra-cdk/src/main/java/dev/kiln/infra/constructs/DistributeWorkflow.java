package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;

import dev.kiln.common.config.KilnConfig;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Distribution (statemachines/distribute.asl.json, docs/distribution.md): after each published image, distribute copies
 * it to the role's target regions (encrypted with each region's key), shares the copies with the target accounts and
 * organizational units and points each target account's pointer there (a member account's through the role its member
 * stack made for the hub: distribute-region may assume exactly those). distribute-plan plans the copies; distribute-region
 * copies, checks, tags, shares and points, in any target region. Without targets in kiln.json the workflow is there
 * (a person may start it, and it answers that nothing is distributed) but no rule starts it and it may touch nothing.
 */
public final class DistributeWorkflow extends Construct {

    /**
     * @param definition    statemachines/distribute.asl.json
     * @param name          the deployment's name; the state machine is {@code <name>-distribute}
     * @param pointerPrefix e.g. {@code /kiln/images/}: the hub's pointers, in every target region as here
     */
    public record Props(
            Path definition,
            String name,
            KilnFunction.Code planCode,
            KilnFunction.Code regionCode,
            KilnConfig.Distribution distribution,
            IStringParameter config,
            BakeTables tables,
            IEventBus bus,
            String pointerPrefix) {
    }

    /** What every copy carries from the moment it is made (distribute-region's CopyImage tags). */
    private static final String COPY_TAG = "kiln:source-image";

    private final KilnFunction plan;
    private final KilnFunction region;
    private final StateMachine machine;
    private final Rule published;

    public DistributeWorkflow(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);

        plan = new KilnFunction(this, "Plan", new KilnFunction.Props("kiln-distribute-plan", props.planCode(),
                "Plans an image's distribution: a copy per target region, its key, whom it is shared with, the hub's pointer there",
                Map.of("CONFIG_PARAMETER", props.config().getParameterName(),
                        "BAKES_TABLE", props.tables().bakes().getTableName(),
                        "DEPLOYMENT_NAME", props.name()),
                1024, Duration.minutes(1)));
        props.config().grantRead(plan.function());
        props.tables().bakes().grant(plan.function(), "dynamodb:GetItem");

        region = new KilnFunction(this, "Region", new KilnFunction.Props("kiln-distribute-region", props.regionCode(),
                "Copies an image into one target region, then tags, shares and points the copy there",
                Map.of("BAKES_TABLE", props.tables().bakes().getTableName()),
                1024, Duration.minutes(2)));
        props.tables().bakes().grant(region.function(), "dynamodb:GetItem");
        List<String> regions = props.distribution().regions();
        if (!regions.isEmpty()) {
            regionPolicy(stack, regions, props.pointerPrefix()).forEach(region.function()::addToRolePolicy);
        }
        Statements.assumeMemberRoles(props.name(), props.distribution()).ifPresent(region.function()::addToRolePolicy);

        String machineName = props.name() + "-distribute";
        machine = KilnStateMachines.create(this, "StateMachine", "Logs", new KilnStateMachines.Definition(
                machineName, "Copies each published image to its role's target regions and accounts", props.definition(), Map.of(
                        "DistributePlanFunctionArn", plan.live().getFunctionArn(),
                        "DistributeRegionFunctionArn", region.live().getFunctionArn(),
                        "EventBusName", props.bus().getEventBusName()),
                Duration.hours(24)));
        plan.live().grantInvoke(machine);
        region.live().grantInvoke(machine);
        props.bus().grantPutEventsTo(machine);
        // the distributed Map runs each region as a child execution of distribute itself
        Statements.ownChildExecutions(stack, machineName).forEach(machine::addToRolePolicy);

        published = props.distribution().isEmpty() ? null : publishedRule(props);

        NagSuppressions.addResourceSuppressions(region.function(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("EC2's DescribeImages has no resource-level permissions; a copy's id is not known before it is made, so"
                        + " copying, tagging, sharing and removing name image/* and snapshot/* in the target regions (after the"
                        + " copy: only images and snapshots tagged kiln:source-image, as every copy is when it is made); the"
                        + " regions' keys are the users' (named by alias in kiln.json); the pointers are <prefix>images/*.")
                .build()), true);
        NagSuppressions.addResourceSuppressions(machine, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Distribute's own child executions (one per region) end in a wildcard.")
                .build()), true);
    }

    /**
     * distribute-region's calls in the target regions: CopyImage from the hub's images and tagging the copy as it is
     * made; then only on images and snapshots tagged as copies: tags, launch and create-volume permissions, removing a
     * failed copy; the regions' keys (DescribeKey, and CreateGrant for target accounts and for EC2 itself), and the
     * hub's pointers there.
     */
    private static List<PolicyStatement> regionPolicy(Stack stack, List<String> regions, String pointerPrefix) {
        List<String> images = new ArrayList<>(List.of(image(stack, Aws.REGION, "image/*")));
        List<String> copies = new ArrayList<>();
        List<String> snapshots = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> pointers = new ArrayList<>();
        List<String> viaEc2 = new ArrayList<>();
        for (String target : regions) {
            images.add(image(stack, target, "image/*"));
            copies.add(image(stack, target, "image/*"));
            snapshots.add(image(stack, target, "snapshot/*"));
            keys.add(stack.formatArn(ArnComponents.builder().service("kms").region(target).resource("key").resourceName("*").build()));
            pointers.add(stack.formatArn(ArnComponents.builder().service("ssm").region(target).resource("parameter")
                    .resourceName(pointerPrefix.replaceFirst("^/", "") + "*").build()));
            viaEc2.add("ec2." + target + ".amazonaws.com");
        }
        List<String> copiesAndSnapshots = new ArrayList<>(copies);
        copiesAndSnapshots.addAll(snapshots);
        return List.of(
                allow(List.of("ec2:DescribeImages"), "*"),
                PolicyStatement.Builder.create().actions(List.of("ec2:CopyImage")).resources(images).build(),
                PolicyStatement.Builder.create().actions(List.of("ec2:CreateTags")).resources(copiesAndSnapshots)
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "CopyImage"))).build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("ec2:CreateTags", "ec2:ModifyImageAttribute", "ec2:ModifySnapshotAttribute",
                                "ec2:DeregisterImage"))
                        .resources(copiesAndSnapshots)
                        .conditions(Map.of("Null", Map.of("aws:ResourceTag/" + COPY_TAG, "false"))).build(),
                PolicyStatement.Builder.create().actions(List.of("kms:DescribeKey", "kms:CreateGrant")).resources(keys).build(),
                // what EC2 asks of the key, on the caller's behalf, to encrypt the copy's snapshots with it
                PolicyStatement.Builder.create()
                        .actions(List.of("kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"))
                        .resources(keys)
                        .conditions(Map.of("StringEquals", Map.of("kms:ViaService", viaEc2))).build(),
                PolicyStatement.Builder.create().actions(List.of("ssm:PutParameter")).resources(pointers).build());
    }

    /** An image or snapshot ARN in {@code region}: they carry no account. */
    private static String image(Stack stack, String region, String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").region(region).account("").resource(resource).build());
    }

    private Rule publishedRule(Props props) {
        Queue unstarted = DeadLetters.queue(this, "UnstartedDistributions", "the rule that starts distribute after a publish");
        return Rule.Builder.create(this, "Published")
                .description("Each published image is distributed to its role's target regions and accounts")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder().source(List.of("kiln.bake")).detailType(List.of("Image Baked"))
                        .detail(Map.of("published", List.of(true))).build())
                .targets(List.of(SfnStateMachine.Builder.create(machine)
                        .input(RuleTargetInput.fromEventPath("$.detail"))
                        .retryAttempts(8).maxEventAge(Duration.hours(24)).deadLetterQueue(unstarted).build()))
                .build();
    }

    public KilnFunction plan() {
        return plan;
    }

    public KilnFunction region() {
        return region;
    }

    public StateMachine machine() {
        return machine;
    }

    /** The rule that starts distribute after each published image; null when kiln.json names no target. */
    public Rule published() {
        return published;
    }
}
