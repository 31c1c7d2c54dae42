package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Tests can mock what the local cloud cannot do yet (instance refresh, for one) with Step Functions
 * mocked responses: the local cloud reads statemachines/test/mock-config.json, and a test picks a test
 * case by starting the execution with "&lt;state machine ARN&gt;#&lt;test case&gt;".
 */
class StepFunctionsMockConfigIT {

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static String stateMachineArn;

    @BeforeAll
    static void createProbe() {
        // the name the mock configuration's test cases are keyed by
        stateMachineArn = SFN.createStateMachine(r -> r.name("mock-probe")
                .roleArn("arn:aws:iam::" + LocalCloud.ACCOUNT + ":role/mock-probe")
                .definition("""
                        {"StartAt": "CompleteLifecycleAction", "States": {
                          "CompleteLifecycleAction": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::aws-sdk:autoscaling:completeLifecycleAction",
                            "Parameters": {"AutoScalingGroupName": "web", "LifecycleHookName": "kiln-launch",
                                           "LifecycleActionResult": "CONTINUE", "InstanceId": "i-0123456789abcdef0"},
                            "ResultPath": "$.completed",
                            "End": true}}}
                        """)).stateMachineArn();
    }

    @AfterAll
    static void deleteProbe() {
        SFN.deleteStateMachine(r -> r.stateMachineArn(stateMachineArn));
    }

    @Test
    void shouldAnswerAMockedStateWithItsMockedResponse() {
        DescribeExecutionResponse execution = run("HappyPath");

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.output()).contains("\"completed\":{}");
    }

    @Test
    void shouldRaiseTheMockedErrorOfAFailureTestCase() {
        DescribeExecutionResponse execution = run("LifecycleActionRejected");

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("AutoScaling.AutoScalingException");
        assertThat(execution.cause()).isEqualTo("No active Lifecycle Action found with instance ID i-0123456789abcdef0");
    }

    @Test
    void shouldCallTheLocalCloudWithoutATestCase() {
        DescribeExecutionResponse execution = run(null);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.cause()).contains("AutoScalingGroup name not found - web");
    }

    private static DescribeExecutionResponse run(String testCase) {
        String target = testCase == null ? stateMachineArn : stateMachineArn + "#" + testCase;
        String execution = SFN.startExecution(r -> r.stateMachineArn(target).name("run-" + UUID.randomUUID()))
                .executionArn();
        return LocalCloud.await("execution " + execution + " to end", Duration.ofSeconds(60), () -> Optional.of(
                        SFN.describeExecution(r -> r.executionArn(execution)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }
}
