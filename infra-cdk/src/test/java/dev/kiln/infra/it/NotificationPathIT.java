package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Samples;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The whole notification path in the local cloud: an event on the default bus, Kiln's rule, the
 * deployed Java notify function run by the kiln-java executor, the SNS topic, and a mailbox queue
 * subscribed to it.
 */
class NotificationPathIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    private static final EventBridgeClient EVENTS = LocalCloud.client(EventBridgeClient.builder());
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final CloudWatchLogsClient LOGS = LocalCloud.client(CloudWatchLogsClient.builder());

    private static Mailbox mailbox;

    @BeforeAll
    static void subscribeAMailbox() {
        mailbox = new Mailbox();
    }

    @AfterAll
    static void unsubscribe() {
        mailbox.close();
    }

    @Test
    void shouldNotifyWhenAFailedKilnExecutionIsReportedOnTheDefaultBus() {
        // given
        String execution = "web-" + UUID.randomUUID();

        // when
        put(sample("aws.states/execution-failed.json", "kiln-bake", execution));

        // then
        JsonNode notification = mailbox.awaitAbout(execution);
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln bake failed: " + execution);
        assertThat(notification.get("Message").asText())
                .startsWith("Kiln workflow \"bake\" failed.")
                .contains("Status         FAILED")
                .contains("#/v2/executions/details/arn:aws:states:us-east-1:000000000000:execution:kiln-bake:" + execution);
        assertThat(notification.at("/MessageAttributes/workflow/Value").asText()).isEqualTo("bake");
    }

    @Test
    void shouldDeliverNothingForOtherStateMachinesOrForStatusesThatAreNotFailures() {
        // given events the rule must let pass, then one it must catch
        String succeeded = "web-" + UUID.randomUUID();
        String running = "web-" + UUID.randomUUID();
        String someoneElses = "job-" + UUID.randomUUID();
        String sentinel = "web-" + UUID.randomUUID();

        // when
        put(sample("aws.states/execution-succeeded.json", "kiln-bake", succeeded));
        put(sample("aws.states/execution-running.json", "kiln-bake", running));
        put(sample("aws.states/execution-failed-other-state-machine.json", "payroll-export", someoneElses));
        put(sample("aws.states/execution-timed-out.json", "kiln-bake", sentinel));

        // then only the timed-out Kiln execution is notified, even a while after it arrived
        mailbox.awaitAbout(sentinel);
        assertThat(mailbox.drainFor(Duration.ofSeconds(5))).extracting(n -> n.get("Subject").asText())
                .noneMatch(subject -> subject.contains(succeeded) || subject.contains(running)
                        || subject.contains(someoneElses));
    }

    @Test
    void shouldExplainARealKilnExecutionThatFailedWithItsErrorCauseAndLastState() {
        // given a Kiln-named state machine that fails on purpose
        String machine = "kiln-it-probe-" + UUID.randomUUID().toString().substring(0, 8);
        String arn = SFN.createStateMachine(r -> r.name(machine)
                .roleArn("arn:aws:iam::" + LocalCloud.ACCOUNT + ":role/kiln-it-probe")
                .definition("""
                        {"StartAt": "Prepare", "States": {
                          "Prepare": {"Type": "Pass", "Next": "GiveUp"},
                          "GiveUp": {"Type": "Fail", "Error": "ProbeError", "Cause": "the probe failed on purpose"}}}
                        """)).stateMachineArn();
        try {
            // when Step Functions itself reports the failure on the default bus
            String execution = SFN.startExecution(r -> r.stateMachineArn(arn).name("run-" + UUID.randomUUID()))
                    .executionArn();
            LocalCloud.await("the probe execution to fail", Duration.ofSeconds(30), () -> Optional.of(
                    SFN.describeExecution(r -> r.executionArn(execution)).status())
                    .filter(status -> status == ExecutionStatus.FAILED));

            // then
            JsonNode notification = mailbox.awaitAbout(execution.substring(execution.lastIndexOf(':') + 1));
            assertThat(notification.get("Message").asText())
                    .contains("Error          ProbeError")
                    .contains("Cause          the probe failed on purpose")
                    .contains("Failed in      GiveUp");
        } finally {
            SFN.deleteStateMachine(r -> r.stateMachineArn(arn));
        }
    }

    @Test
    void shouldLogAClearErrorAndSendNothingForAMalformedEvent() throws Exception {
        // given
        String function = LocalCloud.stackOutput("NotifyFunctionName");
        Instant before = Instant.now();

        // when the function is given a status change that does not say which execution it is about
        InvokeResponse response = LAMBDA.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String("""
                {"detail-type": "Step Functions Execution Status Change",
                 "detail": {"status": "FAILED", "note": "this is not an event"}}""")));

        // then the invocation fails with a typed error and says why in its log
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(JSON.readTree(response.payload().asUtf8String()).get("errorType").asText())
                .isEqualTo("dev.kiln.notify.errors.MalformedEventException");
        String logLine = LocalCloud.await("notify's log to explain the malformed event", Duration.ofSeconds(30),
                () -> logLines(function, before).stream()
                        .filter(line -> line.contains("Malformed event, no notification sent:"
                                + " detail.executionArn is missing or not a string")).findFirst());
        assertThat(JSON.readTree(logLine).get("level").asText()).isEqualTo("ERROR");

        // and nothing reaches the mailbox: a later real failure is the next thing there
        String sentinel = "web-" + UUID.randomUUID();
        put(sample("aws.states/execution-failed.json", "kiln-bake", sentinel));
        mailbox.awaitAbout(sentinel);
        assertThat(mailbox.received()).extracting(n -> n.get("Message").asText())
                .noneMatch(message -> message.contains("this is not an event"));
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static ObjectNode sample(String path, String stateMachine, String execution) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Samples.event(path));
            String machineArn = "arn:aws:states:us-east-1:" + LocalCloud.ACCOUNT + ":stateMachine:" + stateMachine;
            String executionArn = "arn:aws:states:us-east-1:" + LocalCloud.ACCOUNT + ":execution:" + stateMachine + ":" + execution;
            event.withArray("resources").removeAll().add(executionArn);
            event.with("detail").put("stateMachineArn", machineArn).put("executionArn", executionArn).put("name", execution);
            return event;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(ObjectNode event) {
        PutEventsResponse response = EVENTS.putEvents(r -> r.entries(e -> e
                .source(event.get("source").asText())
                .detailType(event.get("detail-type").asText())
                .resources(event.get("resources").get(0).asText())
                .detail(event.get("detail").toString())));
        assertThat(response.failedEntryCount()).isZero();
    }

    private static List<String> logLines(String function, Instant since) {
        String configured = LAMBDA.getFunction(r -> r.functionName(function)).configuration().loggingConfig().logGroup();
        // a function's default log group is named after the function, whichever version or alias ran
        String unqualified = function.replaceFirst(":[^:]+$", "");
        return Stream.of(configured, "/aws/lambda/" + unqualified).filter(g -> g != null).distinct()
                .flatMap(group -> {
                    try {
                        return LOGS.filterLogEvents(r -> r.logGroupName(group).startTime(since.toEpochMilli()))
                                .events().stream().map(e -> e.message());
                    } catch (ResourceNotFoundException e) {
                        return Stream.empty();
                    }
                })
                .toList();
    }
}
