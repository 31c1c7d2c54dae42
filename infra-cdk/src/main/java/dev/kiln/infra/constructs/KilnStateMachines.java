package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Every Kiln state machine the same way: its definition from statemachines/<workflow>.asl.json with the
 * values CDK substitutes, X-Ray tracing, and its own log group (all events, no execution data, kept
 * three months).
 */
final class KilnStateMachines {

    private KilnStateMachines() {
    }

    /**
     * @param name          the state machine's name, {@code <deployment>-<workflow>}
     * @param substitutions the definition's {@code ${...}} placeholders and their values
     */
    record Definition(String name, String comment, Path file, Map<String, String> substitutions, Duration timeout) {
    }

    /** @param logsId the log group's id next to the state machine's */
    static StateMachine create(Construct scope, String id, String logsId, Definition definition) {
        LogGroup logs = LogGroup.Builder.create(scope, logsId)
                .retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        StateMachine machine = StateMachine.Builder.create(scope, id)
                .stateMachineName(definition.name())
                .comment(definition.comment())
                .definitionBody(DefinitionBody.fromFile(definition.file().toString()))
                .definitionSubstitutions(definition.substitutions())
                .timeout(definition.timeout())
                .tracingEnabled(true)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
                .build();
        NagSuppressions.addResourceSuppressions(machine, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("X-Ray's PutTraceSegments and PutTelemetryRecords and the log delivery calls have no resource-level permissions.")
                .appliesTo(List.of("Resource::*"))
                .build()), true);
        return machine;
    }

    /** The ARN of an execution of {@code machineName} without its name: append the name to get one. */
    static String executionPrefix(String machineName) {
        return Fn.join("", List.of("arn:", Aws.PARTITION, ":states:", Aws.REGION, ":", Aws.ACCOUNT_ID, ":execution:",
                machineName, ":"));
    }
}
