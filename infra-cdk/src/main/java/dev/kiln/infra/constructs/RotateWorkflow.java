package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;

import dev.kiln.common.config.KilnConfig;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Nightly rotation (statemachines/rotate.asl.json): an EventBridge Scheduler schedule, in the configured
 * time zone, starts rotate for every group tagged {@code kiln:rotate=nightly}; a rule starts it for the
 * roles a {@code Rotation Requested} event names (a security re-bake, now rather than at night). rotate
 * plans the groups (rotate-plan), checks and pins each (rotate-group), refreshes them a bounded number
 * at a time, records each group's outcome in the Rotations table, and sums up (rotate-report).
 */
public final class RotateWorkflow extends Construct {

    /**
     * @param definition statemachines/rotate.asl.json
     * @param name       the deployment's name; the state machine is {@code <name>-rotate}
     * @param rotation   when it runs (a member stack's: its region's schedule and time zone) and how
     * @param images     where rotate-plan finds each role's current image
     * @param ledger     the advisories ledger: a security rotation adds its outcome to the advisory's record;
     *                   null in a member stack, which keeps none
     */
    public record Props(
            Path definition,
            String name,
            KilnFunction.Code planCode,
            KilnFunction.Code groupCode,
            KilnFunction.Code reportCode,
            KilnConfig.Rotation rotation,
            IStringParameter config,
            CurrentImages images,
            Table ledger,
            IBucket artifacts,
            IEventBus bus,
            ITopic topic) {
    }

    /** Where each role's current image is named: in the hub, or in a member account. */
    public sealed interface CurrentImages {

        /** rotate-plan's environment, for the adapter that reads it. */
        Map<String, String> environment();

        void grantRead(IFunction function);
    }

    /** The hub: the bakes table's {@code current#<role>} items, which the publish guard keeps. */
    public record Published(BakeTables tables) implements CurrentImages {

        @Override
        public Map<String, String> environment() {
            return Map.of("BAKES_TABLE", tables.bakes().getTableName());
        }

        @Override
        public void grantRead(IFunction function) {
            tables.bakes().grant(function, "dynamodb:GetItem");
        }
    }

    /**
     * A member stack: the pointers {@code <prefix><role>} there, which the hub's distribute points at a role's
     * copy only once it is made and shared, so that a group never rotates onto an image not here yet.
     */
    public record Pointed(String prefix) implements CurrentImages {

        @Override
        public Map<String, String> environment() {
            return Map.of("IMAGE_POINTER_PREFIX", prefix);
        }

        @Override
        public void grantRead(IFunction function) {
            Stack stack = Stack.of(function);
            function.addToRolePolicy(allow(List.of("ssm:GetParameter"), stack.formatArn(ArnComponents.builder()
                    .service("ssm").resource("parameter").resourceName(prefix.substring(1) + "*").build())));
        }
    }

    private static final String REFRESHED_TAG = "autoscaling:ResourceTag/kiln:rotate";

    private final Table rotations;
    private final KilnFunction plan;
    private final KilnFunction group;
    private final KilnFunction report;
    private final StateMachine rotate;
    private final CfnSchedule schedule;
    private final Rule requested;

    public RotateWorkflow(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);

        rotations = KilnTables.keyedBy(this, "Rotations", "rotation", RemovalPolicy.DESTROY)
                .sortKey(Attribute.builder().name("asg").type(AttributeType.STRING).build())
                .build();

        plan = new KilnFunction(this, "Plan", new KilnFunction.Props("kiln-rotate-plan", props.planCode(),
                "Plans a rotation: the opted-in groups asked for, their roles' images, and what is skipped and why",
                with(props.images().environment(), Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "ARTIFACTS_BUCKET", props.artifacts().getBucketName())),
                1024, Duration.minutes(5)));
        props.config().grantRead(plan.function());
        props.images().grantRead(plan.function());
        props.artifacts().grantRead(plan.function(), "rotations/*");
        props.artifacts().grantPut(plan.function(), "rotations/*");

        group = new KilnFunction(this, "Group", new KilnFunction.Props("kiln-rotate-group", props.groupCode(),
                "Checks one group before its refresh: running already, current already, or pinned to its role's image", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName()),
                1024, Duration.minutes(2)));
        props.config().grantRead(group.function());
        group.function().addToRolePolicy(allow(List.of("ec2:DescribeLaunchTemplateVersions", "ec2:DescribeInstances"), "*"));
        // only the launch templates of Kiln's roles (tagged kiln:role, as bakes pin them too)
        group.function().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateLaunchTemplateVersion"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ec2").resource("launch-template")
                        .resourceName("*").build())))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:role", "false")))
                .build());

        report = new KilnFunction(this, "Report", new KilnFunction.Props("kiln-rotate-report", props.reportCode(),
                "Sums up a rotation: every group's outcome, the full report in S3, the event and the summary people read",
                with(props.ledger() == null ? Map.of() : Map.of("LEDGER_TABLE", props.ledger().getTableName()), Map.of(
                        "ROTATIONS_TABLE", rotations.getTableName(),
                        "ARTIFACTS_BUCKET", props.artifacts().getBucketName())),
                1024, Duration.minutes(5)));
        rotations.grant(report.function(), "dynamodb:Query");
        if (props.ledger() != null) {
            props.ledger().grant(report.function(), "dynamodb:UpdateItem");
        }
        props.artifacts().grantRead(report.function(), "rotations/*");
        props.artifacts().grantPut(report.function(), "rotations/*");

        String machineName = props.name() + "-rotate";
        rotate = KilnStateMachines.create(this, "Rotate", "RotateLogs", new KilnStateMachines.Definition(
                machineName, "Replaces the instances of the opted-in groups with their roles' current images, safely",
                props.definition(), Map.of(
                        "ArtifactsBucket", props.artifacts().getBucketName(),
                        "RotatePlanFunctionArn", plan.live().getFunctionArn(),
                        "RotateGroupFunctionArn", group.live().getFunctionArn(),
                        "RotateReportFunctionArn", report.live().getFunctionArn(),
                        "RotationsTable", rotations.getTableName(),
                        "EventBusName", props.bus().getEventBusName(),
                        "NotificationTopicArn", props.topic().getTopicArn()),
                Duration.hours(48)));
        plan.live().grantInvoke(rotate);
        group.live().grantInvoke(rotate);
        report.live().grantInvoke(rotate);
        props.artifacts().grantReadWrite(rotate, "rotations/*");
        rotations.grant(rotate, "dynamodb:PutItem");
        props.bus().grantPutEventsTo(rotate);
        props.topic().grantPublish(rotate);
        rotate.addToRolePolicy(allow(List.of("autoscaling:DescribeTags", "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeInstanceRefreshes"), "*"));
        // only groups that opted in can be refreshed by Kiln
        rotate.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("autoscaling:StartInstanceRefresh"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of(REFRESHED_TAG, "nightly")))
                .build());
        // a refresh's DesiredConfiguration is checked as if the caller launched the template itself: only
        // Kiln's templates (tagged kiln:role, as rotate-group pins them), what a launch from a template
        // uses and makes, the tags it gives at launch, and the instance profile's role (to EC2 only)
        Statements.launchFromKilnTemplates(stack).forEach(rotate::addToRolePolicy);
        // the distributed Map runs each group as a child execution of rotate itself
        Statements.ownChildExecutions(stack, machineName).forEach(rotate::addToRolePolicy);

        KilnConfig.Rotation config = props.rotation();
        Role scheduler = Role.Builder.create(this, "SchedulerRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .description("EventBridge Scheduler starts the nightly rotation")
                .build();
        rotate.grantStartExecution(scheduler);
        Queue unstarted = DeadLetters.queue(this, "UnstartedRotations", "the nightly schedule and the rule that start rotate");
        unstarted.grantSendMessages(scheduler);
        schedule = CfnSchedule.Builder.create(this, "Nightly")
                .name(props.name() + "-rotate-nightly")
                .description("Rotates every group tagged kiln:rotate=nightly onto its role's current image")
                .scheduleExpression(config.schedule())
                .scheduleExpressionTimezone(config.timeZone())
                .state(config.enabled() ? "ENABLED" : "DISABLED")
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(rotate.getStateMachineArn())
                        .roleArn(scheduler.getRoleArn())
                        .input("{\"reason\":\"nightly\"}")
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                .maximumRetryAttempts(8).maximumEventAgeInSeconds(3600).build())
                        .deadLetterConfig(CfnSchedule.DeadLetterConfigProperty.builder().arn(unstarted.getQueueArn()).build())
                        .build())
                .build();

        requested = Rule.Builder.create(this, "Requested")
                .description("A security re-bake asked for its roles' fleets to be replaced now")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder()
                        .source(List.of("kiln.patch"))
                        .detailType(List.of("Rotation Requested"))
                        .build())
                .targets(List.of(SfnStateMachine.Builder.create(rotate)
                        .input(RuleTargetInput.fromEventPath("$.detail"))
                        .retryAttempts(8).maxEventAge(Duration.hours(24)).deadLetterQueue(unstarted).build()))
                .build();

        NagSuppressions.addResourceSuppressions(rotate, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Auto Scaling's Describe calls have no resource-level permissions; StartInstanceRefresh is"
                        + " limited to groups tagged kiln:rotate=nightly, whose names Kiln does not know in advance;"
                        + " using a group's launch template needs ec2:RunInstances on it (Kiln's templates only, by tag) and"
                        + " on what a launch from it uses and makes (only when launched from a template), ec2:CreateTags"
                        + " at launch only, and iam:PassRole (to EC2 only) for the users' instance profiles, which Kiln"
                        + " does not know; rotate's own child executions and its S3 prefix end in wildcards;"
                        + " publishing to the KMS-encrypted topic needs kms:GenerateDataKey*.")
                .build()), true);
        NagSuppressions.addResourceSuppressions(List.of(plan.function(), group.function(), report.function()),
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Rotation files live under rotations/<execution>/; EC2's Describe calls have no"
                                + " resource-level permissions, and the groups' launch templates are the users' (only"
                                + " those tagged kiln:role).")
                        .build()), true);
    }

    private static Map<String, String> with(Map<String, String> some, Map<String, String> others) {
        Map<String, String> all = new TreeMap<>(others);
        all.putAll(some);
        return all;
    }

    public Table rotations() {
        return rotations;
    }

    public StateMachine rotate() {
        return rotate;
    }

    public CfnSchedule schedule() {
        return schedule;
    }

    public Rule requested() {
        return requested;
    }

    public KilnFunction plan() {
        return plan;
    }

    public KilnFunction group() {
        return group;
    }

    public KilnFunction report() {
        return report;
    }
}
