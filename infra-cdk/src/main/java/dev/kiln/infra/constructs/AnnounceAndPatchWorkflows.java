package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Amazon Linux security advisories in, patched fleets out. The advisory-feed function reads the
 * configured ALAS feeds on a schedule and announces each new advisory once through the announce state
 * machine (statemachines/announce.asl.json), which puts {@code Security Advisory Published} on Kiln's
 * bus; a rule starts patch (statemachines/patch.asl.json) for it: bake the affected roles, wait for the
 * roles built on them, ask for their rotation, record and tell. The ledger table remembers every
 * advisory's fate, each feed's validators and each patch.
 */
public final class AnnounceAndPatchWorkflows extends Construct {

    /**
     * @param announceDefinition statemachines/announce.asl.json
     * @param name               the deployment's name; the state machine is {@code <name>-announce}
     * @param everyMinutes       how often the feeds are read
     */
    public record Props(
            KilnFunction.Code feedCode,
            KilnFunction.Code patchPlanCode,
            KilnFunction.Code patchReportCode,
            Path announceDefinition,
            Path patchDefinition,
            String name,
            List<String> feeds,
            int everyMinutes,
            IStringParameter config,
            IEventBus bus,
            IStateMachine bake,
            String bakeMachineName,
            BakeTables tables,
            ITopic topic) {
    }

    private final Table ledger;
    private final StateMachine announce;
    private final KilnFunction feed;
    private final Rule schedule;
    private final KilnFunction patchPlan;
    private final KilnFunction patchReport;
    private final StateMachine patch;
    private final Rule published;

    public AnnounceAndPatchWorkflows(Construct scope, String id, Props props) {
        super(scope, id);

        ledger = KilnTables.keyedBy(this, "Ledger", "key", RemovalPolicy.DESTROY).build();

        announce = KilnStateMachines.create(this, "Announce", "AnnounceLogs", new KilnStateMachines.Definition(
                props.name() + "-announce", "Announces one security advisory on Kiln's bus, once per advisory",
                props.announceDefinition(), Map.of("EventBusName", props.bus().getEventBusName()), Duration.minutes(10)));
        props.bus().grantPutEventsTo(announce);

        feed = new KilnFunction(this, "Feed", new KilnFunction.Props("kiln-advisory-feed", props.feedCode(),
                "Reads the ALAS feeds and announces each new security advisory once", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "LEDGER_TABLE", ledger.getTableName(),
                        "ANNOUNCE_STATE_MACHINE_ARN", announce.getStateMachineArn()),
                1024, Duration.minutes(5)));
        props.config().grantRead(feed.function());
        ledger.grant(feed.function(), "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem");
        announce.grantStartExecution(feed.function());

        schedule = Rule.Builder.create(this, "Schedule")
                .description("Every " + props.everyMinutes() + " minutes: read the Amazon Linux security advisory feeds")
                .schedule(Schedule.rate(Duration.minutes(props.everyMinutes())))
                .targets(List.of(LambdaFunction.Builder.create(feed.live())
                        .retryAttempts(2).deadLetterQueue(feed.deadLetterQueue()).build()))
                .build();

        patchPlan = new KilnFunction(this, "PatchPlan", new KilnFunction.Props("kiln-patch-plan", props.patchPlanCode(),
                "Finds the roles whose images carry an advisory's packages, and how to bake them", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "BAKES_TABLE", props.tables().bakes().getTableName(),
                        "IMAGES_TABLE", props.tables().images().getTableName(),
                        "LEDGER_TABLE", ledger.getTableName()),
                1024, Duration.seconds(60)));
        props.config().grantRead(patchPlan.function());
        patchPlan.function().addToRolePolicy(readItems(props.tables()));
        ledger.grant(patchPlan.function(), "dynamodb:GetItem", "dynamodb:PutItem");
        // whether the execution that holds an advisory's patch still runs (else a new one takes it over)
        patchPlan.function().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:DescribeExecution"))
                .resources(List.of(Stack.of(this).formatArn(ArnComponents.builder().service("states").resource("execution")
                        .resourceName(props.name() + "-patch:*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());
        NagSuppressions.addResourceSuppressions(patchPlan.function(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("patch-plan asks whether the patch execution holding an advisory still runs; execution names"
                        + " are not known in advance.")
                .appliesTo(List.of("Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
                        + props.name() + "-patch:*"))
                .build()), true);
        patchReport = new KilnFunction(this, "PatchReport", new KilnFunction.Props("kiln-patch-report", props.patchReportCode(),
                "Sums up a patch: what was patched, the rotation to ask for, the record and the summary", Map.of(),
                512, Duration.seconds(30)));

        Stack stack = Stack.of(this);
        String bakeExecutions = stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                .resourceName(props.bakeMachineName() + ":*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        patch = KilnStateMachines.create(this, "Patch", "PatchLogs", new KilnStateMachines.Definition(
                props.name() + "-patch", "One security advisory: bake the affected roles, ask for their rotation, record and tell",
                props.patchDefinition(), Map.of(
                        "PatchPlanFunctionArn", patchPlan.live().getFunctionArn(),
                        "PatchReportFunctionArn", patchReport.live().getFunctionArn(),
                        "BakeStateMachineArn", props.bake().getStateMachineArn(),
                        "BakeExecutionPrefix", KilnStateMachines.executionPrefix(props.bakeMachineName()),
                        "BakesTable", props.tables().bakes().getTableName(),
                        "ImagesTable", props.tables().images().getTableName(),
                        "LedgerTable", ledger.getTableName(),
                        "EventBusName", props.bus().getEventBusName(),
                        "NotificationTopicArn", props.topic().getTopicArn()),
                Duration.hours(24)));
        patchPlan.live().grantInvoke(patch);
        patchReport.live().grantInvoke(patch);
        props.bake().grantStartExecution(patch);
        patch.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:DescribeExecution", "states:StopExecution"))
                .resources(List.of(bakeExecutions)).build());
        // how startExecution.sync learns that a bake ended
        patch.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("events").resource("rule")
                        .resourceName("StepFunctionsGetEventsForStepFunctionsExecutionRule").build()))).build());
        patch.addToRolePolicy(readItems(props.tables()));
        // keeps each advisory open for the roles it affects, so every later bake applies it: advisories#<role>
        props.tables().bakes().grant(patch, "dynamodb:UpdateItem");
        ledger.grant(patch, "dynamodb:PutItem");
        props.bus().grantPutEventsTo(patch);
        props.topic().grantPublish(patch);

        Queue undelivered = DeadLetters.queue(this, "UndeliveredAdvisories", "the rule that starts patch");
        published = Rule.Builder.create(this, "AdvisoryPublished")
                .description("A security advisory was announced: patch the roles that carry it")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder()
                        .source(List.of("kiln.advisories"))
                        .detailType(List.of("Security Advisory Published"))
                        .build())
                .targets(List.of(SfnStateMachine.Builder.create(patch)
                        .retryAttempts(8).maxEventAge(Duration.hours(24)).deadLetterQueue(undelivered).build()))
                .build();

        for (String feedVersion : props.feeds()) {
            feedAlarm(props, feedVersion);
        }

        NagSuppressions.addResourceSuppressions(patch, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("The bake executions patch starts have names it chooses (<role>-<advisory>), so their ARNs end"
                        + " in a wildcard;"
                        + " publishing to the KMS-encrypted topic needs kms:GenerateDataKey*.")
                .build()), true);
    }

    /**
     * Tells the team when a feed keeps failing (down, slow, malformed, hostile): three failed reads
     * within three read intervals (fewer when the reads are rarer than a day allows).
     */
    private void feedAlarm(Props props, String feedVersion) {
        int periodMinutes = Math.min(3 * props.everyMinutes(), 1440);
        Metric failures = Metric.Builder.create()
                .namespace("Kiln/Advisories")
                .metricName("FeedErrors")
                .dimensionsMap(Map.of("Feed", "AL" + feedVersion))
                .statistic("Sum")
                .period(Duration.minutes(periodMinutes))
                .build();
        Alarm alarm = failures.createAlarm(this, "FeedFailing" + feedVersion, CreateAlarmOptions.builder()
                .alarmName(props.name() + "-advisory-feed-AL" + feedVersion + "-failing")
                .alarmDescription("Kiln cannot read the Amazon Linux " + feedVersion + " security advisory feed:"
                        + " no advisory is announced until it can. Runbook: the advisory-feed function's log says why"
                        + " (FeedErrors); if the site is down, wait; if Kiln's configuration (advisories.siteUrl) is"
                        + " wrong, fix it; then invoke advisory-feed to read the feed now")
                .threshold(Math.max(1, Math.min(3, periodMinutes / props.everyMinutes())))
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
        alarm.addAlarmAction(new SnsAction(props.topic()));
    }

    /** Items of the bakes and images tables by key (a table grant would also cover their indexes). */
    private static PolicyStatement readItems(BakeTables tables) {
        return PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem"))
                .resources(List.of(tables.bakes().getTableArn(), tables.images().getTableArn()))
                .build();
    }

    public Table ledger() {
        return ledger;
    }

    public StateMachine announce() {
        return announce;
    }

    public KilnFunction feed() {
        return feed;
    }

    public Rule schedule() {
        return schedule;
    }

    public KilnFunction patchPlan() {
        return patchPlan;
    }

    public StateMachine patch() {
        return patch;
    }

    public Rule published() {
        return published;
    }
}
