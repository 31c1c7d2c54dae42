package dev.kiln.infra;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.infra.constructs.KilnFunction;
import dev.kiln.infra.constructs.LifecycleWorkflows;
import dev.kiln.infra.constructs.RotateWorkflow;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.ssm.IStringParameter;

/**
 * The fleet workflows that both the Kiln stack (the hub's fleets) and a member stack (a target account's, in a target
 * region) run: launch and drain, and rotate, built from the same functions and giving the same outputs, so that an
 * operator finds them by the same names in either.
 */
final class FleetWorkflows {

    private FleetWorkflows() {
    }

    /** Launch and drain ({@code Lifecycle}); {@code releases} is the blue/green releases table, null in a member stack. */
    static LifecycleWorkflows lifecycle(Stack stack, RepositoryLayout layout, String name, IStringParameter config,
                                        IBucket artifacts, List<String> roles, int reservedConcurrency, ITopic topic,
                                        Table releases) {
        return new LifecycleWorkflows(stack, "Lifecycle", new LifecycleWorkflows.Props(
                layout.stateMachine("launch"), layout.stateMachine("drain"), name,
                new KilnFunction.Code(layout.functionArchive("lifecycle-plan"), "dev.kiln.lifecycleplan.LifecyclePlanHandler"),
                new KilnFunction.Code(layout.functionArchive("release"), "dev.kiln.release.ReleaseHandler"),
                new KilnFunction.Code(layout.functionArchive("launch-guard"), "dev.kiln.launchguard.LaunchGuardHandler"),
                config, artifacts, roles, reservedConcurrency, topic, releases));
    }

    /** Rotation ({@code Rotation}); {@code ledger} is the advisories ledger, null in a member stack. */
    static RotateWorkflow rotation(Stack stack, RepositoryLayout layout, String name, KilnConfig.Rotation rotation,
                                   IStringParameter config, RotateWorkflow.CurrentImages images, Table ledger,
                                   IBucket artifacts, IEventBus bus, ITopic topic) {
        return new RotateWorkflow(stack, "Rotation", new RotateWorkflow.Props(
                layout.stateMachine("rotate"), name,
                new KilnFunction.Code(layout.functionArchive("rotate-plan"), "dev.kiln.rotateplan.RotatePlanHandler"),
                new KilnFunction.Code(layout.functionArchive("rotate-group"), "dev.kiln.rotategroup.RotateGroupHandler"),
                new KilnFunction.Code(layout.functionArchive("rotate-report"), "dev.kiln.rotatereport.RotateReportHandler"),
                rotation, config, images, ledger, artifacts, bus, topic));
    }

    /** The outputs of both: the release function, launch, drain, failed launches, fleet instance policies, rotate. */
    static void outputs(Stack stack, String name, LifecycleWorkflows lifecycle, RotateWorkflow rotation) {
        output(stack, "ReleaseFunctionName", lifecycle.release().live().getFunctionName(),
                "Set a role's release: aws lambda invoke with {\"role\", \"version\", \"artifact\", \"sha256\"}");
        output(stack, "LaunchStateMachineArn", lifecycle.launch().getStateMachineArn(), "Deploys on launch (hook " + name + "-launch)");
        output(stack, "DrainStateMachineArn", lifecycle.drain().getStateMachineArn(), "Drains on terminate (hook " + name + "-drain)");
        output(stack, "FailedLaunchesTableName", lifecycle.failedLaunches().getTableName(),
                "Each group's failed launches in a row, and the groups whose launches Kiln suspended");
        lifecycle.fleetInstancePolicies().forEach((role, policy) -> output(stack,
                "FleetInstancePolicyArn" + LifecycleWorkflows.pascal(role), policy.getManagedPolicyArn(),
                "Attach to the instance role of role " + role + "'s fleets, with AmazonSSMManagedInstanceCore"));
        output(stack, "RotateStateMachineArn", rotation.rotate().getStateMachineArn(),
                "Start a rotation by hand: {} for every opted-in group, {\"asgs\": [...]} for some");
        output(stack, "RotationsTableName", rotation.rotations().getTableName(),
                "Each rotation's outcome per group (partition key: the execution's name)");
    }

    static void output(Stack stack, String id, String value, String description) {
        CfnOutput.Builder.create(stack, id).value(value).description(description).build();
    }
}
