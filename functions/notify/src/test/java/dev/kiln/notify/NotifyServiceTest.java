package dev.kiln.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.notify.Fakes.RecordingTopic;
import dev.kiln.notify.Fakes.ScriptedHistory;
import dev.kiln.notify.errors.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

class NotifyServiceTest {

    private static final FailureDetails RECORDED = new FailureDetails(
            Optional.of("States.TaskFailed"),
            Optional.of("Spot capacity is not available for t4g.large in subnet-0abc"),
            Optional.of("LaunchBuilder"));

    private final RecordingTopic topic = new RecordingTopic();
    private final ScriptedHistory history = new ScriptedHistory(arn -> RECORDED);
    private final NotifyService service = new NotifyService(topic, history, "kiln-");

    @Test
    void shouldPublishPlainWordsNotificationWhenKilnWorkflowFailed() {
        // when
        Outcome outcome = service.handle(Samples.event("aws.states/execution-failed.json"));

        // then
        assertThat(outcome).isEqualTo(Outcome.published("message-1"));
        assertThat(topic.published).singleElement().satisfies(notification -> {
            assertThat(notification.subject()).isEqualTo("Kiln bake failed: web-0d1a26e6");
            assertThat(notification.message())
                    .startsWith("Kiln workflow \"bake\" failed.")
                    .contains("Execution      web-0d1a26e6")
                    .contains("Status         FAILED")
                    .contains("Failed in      LaunchBuilder")
                    .contains("Error          States.TaskFailed")
                    .contains("Cause          Spot capacity is not available for t4g.large in subnet-0abc")
                    .contains("Stopped        2019-02-26T23:52:31.881Z (after 5s)")
                    .contains("https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1"
                            + "#/v2/executions/details/arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e6");
            assertThat(notification.attributes()).isEqualTo(Map.of("workflow", "bake", "status", "FAILED"));
        });
        assertThat(history.asked).containsExactly("arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e6");
    }

    @ParameterizedTest
    @CsvSource({
            "aws.states/execution-timed-out.json, Kiln bake timed out: web-9049f126, TIMED_OUT",
            "aws.states/execution-aborted.json, Kiln rotate was aborted: nightly-2026-11-22, ABORTED"})
    void shouldNotifyTimedOutAndAbortedExecutions(String sample, String subject, String status) {
        // when
        service.handle(Samples.event(sample));

        // then
        assertThat(topic.published).singleElement().satisfies(notification -> {
            assertThat(notification.subject()).isEqualTo(subject);
            assertThat(notification.attributes()).containsEntry("status", status);
        });
    }

    @Test
    void shouldPreferTheErrorAndCauseTheEventCarries() {
        // given an event that says why the execution failed (as Step Functions' newer events do)
        byte[] event = Samples.event("aws.states/execution-failed.json", root -> root.with("detail")
                .put("error", "dev.kiln.bake.errors.ServerTestsFailedException")
                .put("cause", "3 of 12 server tests failed"));

        // when
        service.handle(event);

        // then the event's words win, and the history still tells the last state
        assertThat(topic.published).singleElement().satisfies(notification -> assertThat(notification.message())
                .contains("Error          dev.kiln.bake.errors.ServerTestsFailedException")
                .contains("Cause          3 of 12 server tests failed")
                .contains("Failed in      LaunchBuilder"));
    }

    @Test
    void shouldNotNotifyAgainAFailureTheWorkflowReportedItself() {
        byte[] told = Samples.event("aws.states/execution-failed.json", root -> root.with("detail")
                .put("stateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-patch")
                .put("error", "Kiln.Reported.PatchIncomplete").put("cause", "ALAS2023-2025-1196: web patched, api not"));
        byte[] untold = Samples.event("aws.states/execution-failed.json", root -> root.with("detail")
                .put("stateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-patch")
                .put("error", "Kiln.PatchIncomplete").put("cause", "ALAS2023-2025-1196: web patched, api not"));

        assertThat(service.handle(told)).isEqualTo(Outcome.skipped("the workflow sent its own notification (Kiln.Reported.PatchIncomplete)"));
        assertThat(topic.published).isEmpty();
        assertThat(service.handle(untold).published()).isTrue();
        assertThat(topic.published).singleElement().satisfies(n -> assertThat(n.message()).contains("Error          Kiln.PatchIncomplete"));
    }

    @Test
    void shouldStillNotifyWithTheEventAloneWhenTheHistoryCannotBeRead() {
        // given
        ScriptedHistory unreadable = new ScriptedHistory(arn -> {
            throw ExecutionDoesNotExistException.builder().message("Execution Does Not Exist").build();
        });
        NotifyService service = new NotifyService(topic, unreadable, "kiln-");

        // when
        Outcome outcome = service.handle(Samples.event("aws.states/execution-failed.json"));

        // then
        assertThat(outcome.published()).isTrue();
        assertThat(topic.published).singleElement().satisfies(notification -> assertThat(notification.message())
                .contains("Error          not reported")
                .contains("Failed in      not reported"));
    }

    @Test
    void shouldIgnoreExecutionsOfOtherStateMachines() {
        // when
        Outcome outcome = service.handle(Samples.event("aws.states/execution-failed-other-state-machine.json"));

        // then
        assertThat(outcome).isEqualTo(Outcome.skipped("not one of Kiln's state machines"));
        assertThat(topic.published).isEmpty();
        assertThat(history.asked).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws.states/execution-succeeded.json", "aws.states/execution-running.json"})
    void shouldIgnoreStatusesThatAreNotFailures(String sample) {
        // when
        Outcome outcome = service.handle(Samples.event(sample));

        // then
        assertThat(outcome.published()).isFalse();
        assertThat(outcome.reason()).endsWith("needs no notification");
        assertThat(topic.published).isEmpty();
    }

    @Test
    void shouldRejectAnEventThatIsNotJsonAndPublishNothing() {
        assertThatThrownBy(() -> service.handle("{\"detail-type\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("the event is not valid JSON");
        assertThat(topic.published).isEmpty();
    }

    @Test
    void shouldRejectAnEventWithoutExecutionArnAndPublishNothing() {
        byte[] event = Samples.event("aws.states/execution-failed.json",
                root -> root.with("detail").remove("executionArn"));

        assertThatThrownBy(() -> service.handle(event))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("detail.executionArn is missing or not a string");
        assertThat(topic.published).isEmpty();
    }
}
