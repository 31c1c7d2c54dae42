package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Amazon Linux security advisories in. The advisory-feed function reads the configured ALAS feeds on
 * a schedule and announces each new advisory once through the announce state machine
 * (statemachines/announce.asl.json), which puts {@code Security Advisory Published} on Kiln's bus; the
 * ledger table remembers every advisory's fate and each feed's validators.
 */
public final class AdvisoryWatch extends Construct {

    /**
     * @param announceDefinition statemachines/announce.asl.json
     * @param name               the deployment's name; the state machine is {@code <name>-announce}
     * @param everyMinutes       how often the feeds are read
     */
    public record Props(
            KilnFunction.Code feedCode,
            Path announceDefinition,
            String name,
            int everyMinutes,
            IStringParameter config,
            IEventBus bus) {
    }

    private final Table ledger;
    private final StateMachine announce;
    private final KilnFunction feed;
    private final Rule schedule;

    public AdvisoryWatch(Construct scope, String id, Props props) {
        super(scope, id);

        ledger = Table.Builder.create(this, "Ledger")
                .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        LogGroup logs = LogGroup.Builder.create(this, "AnnounceLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        announce = StateMachine.Builder.create(this, "Announce")
                .stateMachineName(props.name() + "-announce")
                .comment("Announces one security advisory on Kiln's bus, once per advisory")
                .definitionBody(DefinitionBody.fromFile(props.announceDefinition().toString()))
                .definitionSubstitutions(Map.of("EventBusName", props.bus().getEventBusName()))
                .timeout(Duration.minutes(10))
                .tracingEnabled(true)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
                .build();
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
                .targets(List.of(LambdaFunction.Builder.create(feed.function())
                        .retryAttempts(2).deadLetterQueue(feed.deadLetterQueue()).build()))
                .build();

        NagSuppressions.addResourceSuppressions(announce, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("X-Ray's PutTraceSegments and PutTelemetryRecords and the log delivery calls have no resource-level permissions.")
                .appliesTo(List.of("Resource::*"))
                .build()), true);
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
}
