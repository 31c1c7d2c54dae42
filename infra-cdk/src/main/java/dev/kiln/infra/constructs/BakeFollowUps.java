package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;
import static dev.kiln.infra.constructs.Statements.onKilnBuild;

import dev.kiln.common.config.KilnConfig;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * What happens around bakes without anyone asking: child roles are re-baked when their parent's new
 * image is published (two-phase images); every role is baked again from scratch on a schedule (weekly
 * by default: the schedule puts "Rebuild Requested" on the bus, which anyone may put too); the reaper removes builders kept for debugging once their
 * time is up and whatever an aborted bake left behind (every 15 minutes); retention removes old,
 * unused images (daily).
 */
public final class BakeFollowUps extends Construct {

    static final String REAPER_SCHEDULE = "rate(15 minutes)";
    static final String RETENTION_SCHEDULE = "rate(1 day)";

    public record Props(
            String name,
            KilnConfig.Rebuild rebuild,
            KilnFunction.Code childrenCode,
            KilnFunction.Code reaperCode,
            KilnFunction.Code retentionCode,
            IStateMachine bake,
            String bakeMachineName,
            BakeTables tables,
            IStringParameter config,
            IEventBus bus,
            ITopic topic,
            String imagePointerPrefix,
            KilnConfig.Distribution distribution) {
    }

    private final KilnFunction children;
    private final KilnFunction reaper;
    private final KilnFunction retention;
    private final Rule childBakes;
    private final Rule rebuilds;
    private final CfnSchedule rebuildSchedule;

    public BakeFollowUps(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String bakeExecutions = stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                .resourceName(props.bakeMachineName() + ":*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());

        children = new KilnFunction(this, "Children", new KilnFunction.Props("kiln-bake-children", props.childrenCode(),
                "Re-bakes the roles built on a role whose new image was published, and every role from scratch when asked", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "BAKES_TABLE", props.tables().bakes().getTableName(),
                        "BAKE_STATE_MACHINE_ARN", props.bake().getStateMachineArn()),
                512, Duration.seconds(60)));
        props.config().grantRead(children.function());
        props.tables().bakes().grantReadData(children.function());
        props.bake().grantStartExecution(children.function());
        childBakes = Rule.Builder.create(this, "ParentImagePublished")
                .description("A role's new image was published: re-bake the roles built on it")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder()
                        .source(List.of("kiln.bake"))
                        .detailType(List.of("Image Baked"))
                        .detail(Map.of("published", List.of(true)))
                        .build())
                .targets(List.of(LambdaFunction.Builder.create(children.live())
                        .retryAttempts(8).maxEventAge(Duration.hours(6)).deadLetterQueue(children.deadLetterQueue()).build()))
                .build();
        rebuilds = Rule.Builder.create(this, "RebuildRequested")
                .description("Bake every role again from scratch (the weekly schedule, or a person, asked)")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder()
                        .source(List.of("kiln.rebuild"))
                        .detailType(List.of("Rebuild Requested"))
                        .build())
                .targets(List.of(LambdaFunction.Builder.create(children.live())
                        .retryAttempts(8).maxEventAge(Duration.hours(6)).deadLetterQueue(children.deadLetterQueue()).build()))
                .build();
        Role scheduler = Role.Builder.create(this, "RebuildSchedulerRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .description("EventBridge Scheduler asks for the weekly bake from scratch")
                .build();
        props.bus().grantPutEventsTo(scheduler);
        children.deadLetterQueue().grantSendMessages(scheduler);
        rebuildSchedule = CfnSchedule.Builder.create(this, "Rebuild")
                .name(props.name() + "-rebuild-weekly")
                .description("Bakes every role again from scratch: proves the configuration still applies from nothing")
                .scheduleExpression(props.rebuild().schedule())
                .scheduleExpressionTimezone(props.rebuild().timeZone())
                .state(props.rebuild().enabled() ? "ENABLED" : "DISABLED")
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(props.bus().getEventBusArn())
                        .roleArn(scheduler.getRoleArn())
                        .eventBridgeParameters(CfnSchedule.EventBridgeParametersProperty.builder()
                                .source("kiln.rebuild").detailType("Rebuild Requested").build())
                        .input("{\"reason\":\"scheduled\"}")
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                .maximumRetryAttempts(8).maximumEventAgeInSeconds(3600).build())
                        .deadLetterConfig(CfnSchedule.DeadLetterConfigProperty.builder()
                                .arn(children.deadLetterQueue().getQueueArn()).build())
                        .build())
                .build();

        reaper = new KilnFunction(this, "Reaper", new KilnFunction.Props("kiln-builder-reaper", props.reaperCode(),
                "Terminates expired and orphaned builders, removes unfinished images, and says so", Map.of(
                        "IMAGES_TABLE", props.tables().images().getTableName(),
                        "TOPIC_ARN", props.topic().getTopicArn()),
                512, Duration.seconds(300)));
        props.tables().images().grantReadData(reaper.function());
        props.topic().grantPublish(reaper.function());
        reaper.function().addToRolePolicy(allow(List.of("states:DescribeExecution"), bakeExecutions));
        reaper.function().addToRolePolicy(allow(List.of("ec2:DescribeInstances", "ec2:DescribeImages"), "*"));
        reaper.function().addToRolePolicy(onKilnBuild(List.of("ec2:TerminateInstances", "ec2:DeregisterImage",
                "ec2:DeleteSnapshot")));
        schedule("ReaperSchedule", REAPER_SCHEDULE, "Every 15 minutes: remove what bakes left behind", reaper);

        retention = new KilnFunction(this, "Retention", new KilnFunction.Props("kiln-image-retention",
                props.retentionCode(), "Removes old images no launch template or configuration, pointer or instance uses", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "IMAGE_POINTER_PREFIX", props.imagePointerPrefix(),
                        "TOPIC_ARN", props.topic().getTopicArn(),
                        "DEPLOYMENT_NAME", props.name()),
                1024, Duration.seconds(600)));
        props.config().grantRead(retention.function());
        props.topic().grantPublish(retention.function());
        retention.function().addToRolePolicy(allow(List.of("ssm:GetParametersByPath"), stack.formatArn(ArnComponents.builder()
                .service("ssm").resource("parameter").resourceName(props.imagePointerPrefix().substring(1, props.imagePointerPrefix().length() - 1))
                .build())));
        retention.function().addToRolePolicy(allow(List.of("ec2:DescribeImages", "ec2:DescribeInstances",
                "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeImageAttribute",
                "autoscaling:DescribeLaunchConfigurations"), "*"));
        retention.function().addToRolePolicy(onKilnBuild(List.of("ec2:DeregisterImage", "ec2:DeleteSnapshot")));
        List<String> regions = props.distribution().regions();
        if (!regions.isEmpty()) {
            // distribute's copies in the target regions: what uses them there (the pointers), and removing them with
            // their source (only images and snapshots tagged as copies)
            String pointers = props.imagePointerPrefix().substring(1, props.imagePointerPrefix().length() - 1);
            retention.function().addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("ssm:GetParametersByPath"))
                    .resources(regions.stream().map(region -> stack.formatArn(ArnComponents.builder().service("ssm").region(region)
                            .resource("parameter").resourceName(pointers).build())).toList()).build());
            retention.function().addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("ec2:DeregisterImage", "ec2:DeleteSnapshot"))
                    .resources(regions.stream().flatMap(region -> Stream.of("image/*", "snapshot/*").map(resource ->
                            stack.formatArn(ArnComponents.builder().service("ec2").region(region).account("").resource(resource).build())))
                            .toList())
                    .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:source-image", "false"))).build());
        }
        // what a member account a copy is shared with uses, asked through its member stack's role
        Statements.assumeMemberRoles(props.name(), props.distribution()).ifPresent(retention.function()::addToRolePolicy);
        schedule("RetentionSchedule", RETENTION_SCHEDULE, "Daily: remove old images nothing uses", retention);

        NagSuppressions.addResourceSuppressions(this, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Reading EC2 (instances, images, launch templates) and launch configurations has no resource-level permissions;"
                        + " terminating, deregistering and deleting snapshots are limited to resources tagged"
                        + " kiln:build-id, and in the distribution's target regions to copies (tagged kiln:source-image),"
                        + " whose ids are not known in advance; executions are Kiln's bakes only.")
                .build()), true);
    }

    private void schedule(String id, String expression, String description, KilnFunction target) {
        Rule.Builder.create(this, id)
                .description(description)
                .schedule(Schedule.expression(expression))
                .targets(List.of(LambdaFunction.Builder.create(target.live())
                        .retryAttempts(2).deadLetterQueue(target.deadLetterQueue()).build()))
                .build();
    }

    public KilnFunction children() {
        return children;
    }

    public KilnFunction reaper() {
        return reaper;
    }

    public KilnFunction retention() {
        return retention;
    }

    public Rule childBakes() {
        return childBakes;
    }

    public Rule rebuilds() {
        return rebuilds;
    }

    public CfnSchedule rebuildSchedule() {
        return rebuildSchedule;
    }
}
