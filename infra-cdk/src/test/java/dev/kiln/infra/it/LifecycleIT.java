package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Samples;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * launch and drain in the local cloud, started with the lifecycle samples (events/aws.autoscaling/)
 * made about a real local instance. The local cloud has no Auto Scaling: the test cases in
 * statemachines/test/mock-config.json answer CompleteLifecycleAction and heartbeats, and what only a
 * real instance can (Systems Manager online, the installed release, a failing health check, a stuck
 * drain). Everything else (the plan, the claims, Run Command, the log location, notifications) is real;
 * each test asserts the exact CompleteLifecycleAction request the workflow made.
 */
class LifecycleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofMinutes(3);
    /** The installed release's SHA-256 in the mock test cases' inspect output (InstalledCurrent). */
    private static final String MOCKED_SHA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());
    private static final EventBridgeClient EVENTS = LocalCloud.client(EventBridgeClient.builder());

    private static Mailbox mailbox;
    private static String webInstance;
    private static String untaggedInstance;

    @BeforeAll
    static void instancesAndRelease() {
        mailbox = new Mailbox();
        webInstance = instance(Tag.builder().key("kiln:role").value("web").build());
        untaggedInstance = instance(Tag.builder().key("Name").value("no-role").build());
        SSM.putParameter(r -> r.name("/kiln/releases/web").type(ParameterType.STRING).overwrite(true).value(
                "{\"role\":\"web\",\"version\":\"1.0.0\",\"artifact\":\"s3://"
                        + LocalCloud.stackOutput("ArtifactBucketName") + "/releases/web/web-1.0.0.tar.gz\","
                        + "\"sha256\":\"" + MOCKED_SHA + "\"}"));
    }

    @AfterAll
    static void cleanUp() {
        mailbox.close();
        EC2.terminateInstances(r -> r.instanceIds(webInstance, untaggedInstance));
    }

    private record Run(String name, String token, DescribeExecutionResponse execution, List<JsonNode> completions,
                       List<String> states) {

        JsonNode output() throws Exception {
            return JSON.readTree(execution.output());
        }
    }

    @Test
    void shouldVerifyOnlyAndContinueWhenTheInstanceAlreadyHasTheRelease() throws Exception {
        Run run = start("launch", "FastPath", "launch-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().get("path").asText()).isEqualTo("fast");
        assertThat(run.states()).contains("StartSend", "HealthSend").doesNotContain("InstallSend");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", webInstance, "CONTINUE"));
    }

    @Test
    void shouldDeployTheReleaseWhenTheInstanceHasAnotherThenContinue() throws Exception {
        Run run = start("launch", "DeployPath", "launch-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().get("path").asText()).isEqualTo("deploy");
        assertThat(run.states()).contains("InstallSend", "HealthSend").doesNotContain("StartSend");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", webInstance, "CONTINUE"));
    }

    @Test
    void shouldAbandonAndSaySoWhenTheHealthCheckFails() throws Exception {
        Run run = start("launch", "HealthCheckFails", "launch-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.HealthCheckFailed");
        String logs = "s3://" + LocalCloud.stackOutput("ArtifactBucketName") + "/logs/launch/web/" + webInstance + "/" + run.name() + "/";
        assertThat(run.execution().cause()).contains("the health check ended Failed with exit code 1 on " + webInstance, logs);
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", webInstance, "ABANDON"));

        JsonNode notification = mailbox.awaitAbout(run.name());
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln launch failed: " + run.name());
        assertThat(notification.get("Message").asText()).contains("Failed in      HealthCheck", logs);
    }

    @Test
    void shouldAbandonWhenTheInstanceNeverComesOnlineSendingHeartbeatsMeanwhile() throws Exception {
        Run run = start("launch", "SsmNeverOnline", "launch-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.SsmTimedOut");
        assertThat(run.states()).contains("SsmHeartbeat");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", webInstance, "ABANDON"));
    }

    @Test
    void shouldAbandonAnInstanceKilnCannotPlaceInARole() throws Exception {
        Run run = start("launch", "PlanFails", "launch-lifecycle-action.json", untaggedInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("dev.kiln.lifecycleplan.errors.UnknownInstanceRoleException");
        assertThat(run.execution().cause()).contains("has no kiln:role tag");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", untaggedInstance, "ABANDON"));
    }

    @Test
    void shouldHandleARepeatedEventForTheSameActionOnce() throws Exception {
        String token = token();
        Run first = start("launch", "FastPath", "launch-lifecycle-action.json", webInstance, token);

        Run again = start("launch", "FastPath", "launch-lifecycle-action.json", webInstance, token);

        assertThat(first.completions()).hasSize(1);
        assertThat(again.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(again.output().get("duplicate").asBoolean()).isTrue();
        assertThat(again.output().get("heldBy").asText()).isEqualTo(first.execution().executionArn());
        assertThat(again.completions()).isEmpty();
        assertThat(again.states()).doesNotContain("SsmCheck");
    }

    @Test
    void shouldPrepareAnInstanceGoingIntoTheWarmPoolWithoutStartingIt() throws Exception {
        Run run = start("launch", "DeployPath", "warm-pool-launch-into-warm-pool.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().get("phase").asText()).isEqualTo("prepare");
        assertThat(run.states()).contains("InstallSend").doesNotContain("StartSend", "HealthSend");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-launch", webInstance, "CONTINUE"));
    }

    @Test
    void shouldDrainAndContinue() throws Exception {
        Run run = start("drain", "DrainSucceeds", "terminate-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.states()).contains("DrainSend");
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-drain", webInstance, "CONTINUE"));
    }

    @Test
    void shouldStillContinueAfterTheBoundWhenTheFlushIsStuckAndReportIt() throws Exception {
        Run run = start("drain", "DrainStuck", "terminate-lifecycle-action.json", webInstance, token());

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.DrainFailed");
        assertThat(run.execution().cause()).contains("draining and flushing logs did not finish in time on " + webInstance);
        assertThat(run.completions()).containsExactly(completion(run.token(), "kiln-drain", webInstance, "CONTINUE"));
        JsonNode notification = mailbox.awaitAbout(run.name());
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln drain failed: " + run.name());
        assertThat(notification.get("Message").asText()).contains("Failed in      DrainCheck");
    }

    @Test
    void shouldStartTheWorkflowOfKilnsHooksWithTheEventAndNothingForOtherHooks() throws Exception {
        String launchToken = token();
        String drainToken = token();
        String otherToken = token();
        put(event("launch-lifecycle-action.json", webInstance, launchToken));
        put(event("terminate-lifecycle-action.json", webInstance, drainToken));
        put(event("launch-lifecycle-action-other-hook.json", webInstance, otherToken));

        String launch = awaitExecutionWith("launch", launchToken);
        String drain = awaitExecutionWith("drain", drainToken);
        JsonNode launchInput = JSON.readTree(SFN.describeExecution(r -> r.executionArn(launch)).input());
        assertThat(launchInput.get("detail")).isEqualTo(event("launch-lifecycle-action.json", webInstance, launchToken).get("detail"));
        assertThat(launchInput.get("detail-type").asText()).isEqualTo("EC2 Instance-launch Lifecycle Action");
        assertThat(JSON.readTree(SFN.describeExecution(r -> r.executionArn(drain)).input()).at("/detail/LifecycleHookName").asText())
                .isEqualTo("kiln-drain");

        // (there is no Auto Scaling here to finish them: stop them)
        SFN.stopExecution(r -> r.executionArn(launch));
        SFN.stopExecution(r -> r.executionArn(drain));
        Thread.sleep(3_000);
        assertThat(executionsWith("launch", otherToken)).isEmpty();
        assertThat(executionsWith("drain", otherToken)).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static String instance(Tag tag) {
        return EC2.runInstances(r -> r.imageId("ami-0bb7267a511c0a8e8").instanceType("t4g.small").minCount(1).maxCount(1)
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(tag))).instances().get(0).instanceId();
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private static ObjectNode event(String sample, String instanceId, String token) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.event("aws.autoscaling/" + sample));
        ((ObjectNode) event.get("detail")).put("EC2InstanceId", instanceId).put("LifecycleActionToken", token);
        return event;
    }

    private static JsonNode completion(String token, String hook, String instanceId, String result) {
        return JSON.createObjectNode().put("AutoScalingGroupName", "my-asg").put("LifecycleHookName", hook)
                .put("LifecycleActionToken", token).put("InstanceId", instanceId).put("LifecycleActionResult", result);
    }

    private static Run start(String workflow, String testCase, String sample, String instanceId, String token) throws Exception {
        String name = "it-" + testCase + "-" + UUID.randomUUID().toString().substring(0, 8);
        String input = event(sample, instanceId, token).toString();
        String arn = SFN.startExecution(r -> r.stateMachineArn(machine(workflow) + "#" + testCase).name(name).input(input))
                .executionArn();
        DescribeExecutionResponse ended = LocalCloud.await(name + " to end", END, () -> Optional.of(
                SFN.describeExecution(r -> r.executionArn(arn))).filter(e -> e.status() != ExecutionStatus.RUNNING));
        List<HistoryEvent> history = SFN.getExecutionHistoryPaginator(r -> r.executionArn(arn).maxResults(1000))
                .events().stream().toList();
        List<JsonNode> completions = history.stream()
                .filter(e -> e.type() == HistoryEventType.TASK_SCHEDULED
                        && e.taskScheduledEventDetails().resource().equals("completeLifecycleAction"))
                .map(e -> read(e.taskScheduledEventDetails().parameters()))
                .toList();
        List<String> states = history.stream().filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name()).toList();
        return new Run(name, token, ended, completions, states);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static String machine(String workflow) {
        return LocalCloud.stackOutput(workflow.equals("launch") ? "LaunchStateMachineArn" : "DrainStateMachineArn");
    }

    private static void put(JsonNode event) {
        EVENTS.putEvents(r -> r.entries(e -> e.source(event.get("source").asText()).detailType(event.get("detail-type").asText())
                .resources(event.get("resources").get(0).asText()).detail(event.get("detail").toString())));
    }

    private static List<String> executionsWith(String workflow, String token) {
        return SFN.listExecutionsPaginator(r -> r.stateMachineArn(machine(workflow))).executions().stream()
                .map(e -> e.executionArn())
                .filter(arn -> SFN.describeExecution(r -> r.executionArn(arn)).input().contains(token))
                .toList();
    }

    private static String awaitExecutionWith(String workflow, String token) {
        return LocalCloud.await("a " + workflow + " execution for " + token, Duration.ofSeconds(60),
                () -> executionsWith(workflow, token).stream().findFirst());
    }
}
