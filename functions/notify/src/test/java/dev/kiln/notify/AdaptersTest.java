package dev.kiln.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryRequest;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.StateEnteredEventDetails;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

class AdaptersTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-1";

    @Test
    void shouldPublishSubjectMessageAndStringAttributesToTheTopic() {
        // given
        List<PublishRequest> sent = new ArrayList<>();
        SnsClient sns = new SnsClient() {
            @Override
            public PublishResponse publish(PublishRequest request) {
                sent.add(request);
                return PublishResponse.builder().messageId("m-1").build();
            }

            @Override public String serviceName() { return "sns"; }
            @Override public void close() { }
        };
        SnsNotificationTopic topic = new SnsNotificationTopic(sns, "arn:aws:sns:us-east-1:000000000000:kiln");

        // when
        String messageId = topic.publish(new Notification("Kiln bake failed: web-1", "body",
                Map.of("workflow", "bake", "status", "FAILED")));

        // then
        assertThat(messageId).isEqualTo("m-1");
        assertThat(sent).containsExactly(PublishRequest.builder()
                .topicArn("arn:aws:sns:us-east-1:000000000000:kiln")
                .subject("Kiln bake failed: web-1")
                .message("body")
                .messageAttributes(Map.of(
                        "workflow", MessageAttributeValue.builder().dataType("String").stringValue("bake").build(),
                        "status", MessageAttributeValue.builder().dataType("String").stringValue("FAILED").build()))
                .build());
    }

    @Test
    void shouldReadErrorCauseAndTheStateTheStepFailedInFromStepFunctions() {
        // given
        List<Object> requests = new ArrayList<>();
        SfnClient sfn = new SfnClient() {
            @Override
            public DescribeExecutionResponse describeExecution(DescribeExecutionRequest request) {
                requests.add(request);
                return DescribeExecutionResponse.builder().executionArn(EXECUTION).status("FAILED")
                        .error("States.TaskFailed").cause("boom").build();
            }

            @Override
            public GetExecutionHistoryResponse getExecutionHistory(GetExecutionHistoryRequest request) {
                requests.add(request);
                // newest first: the failure was caught, and a failure path ran after it
                return GetExecutionHistoryResponse.builder().events(
                        event(14, HistoryEventType.EXECUTION_FAILED, null),
                        event(13, HistoryEventType.FAIL_STATE_ENTERED, "BakeFailed"),
                        event(12, HistoryEventType.TASK_STATE_ENTERED, "EmitBakeFailed"),
                        event(10, HistoryEventType.TASK_STATE_ENTERED, "Cleanup"),
                        event(8, HistoryEventType.TASK_FAILED, null),
                        event(7, HistoryEventType.TASK_STATE_ENTERED, "WaitForSsm"),
                        event(5, HistoryEventType.TASK_STATE_ENTERED, "LaunchBuilder")).build();
            }

            @Override public String serviceName() { return "states"; }
            @Override public void close() { }
        };

        // when
        FailureDetails details = new StepFunctionsExecutionHistory(sfn).describe(EXECUTION);

        // then
        assertThat(details).isEqualTo(new FailureDetails(
                Optional.of("States.TaskFailed"), Optional.of("boom"), Optional.of("WaitForSsm")));
        assertThat(requests).containsExactly(
                DescribeExecutionRequest.builder().executionArn(EXECUTION).build(),
                GetExecutionHistoryRequest.builder().executionArn(EXECUTION).reverseOrder(true).maxResults(100).build());
    }

    @Test
    void shouldNameTheFailStateWhenNoStepFailedBeforeIt() {
        assertThat(StepFunctionsExecutionHistory.failedState(List.of(
                event(4, HistoryEventType.EXECUTION_FAILED, null),
                event(3, HistoryEventType.FAIL_STATE_ENTERED, "GiveUp"),
                event(2, HistoryEventType.CHOICE_STATE_ENTERED, "IsItOk")))).contains("GiveUp");
    }

    @Test
    void shouldNameTheStepTheWorkflowRecordedWhenItFoundTheFailureItself() {
        assertThat(StepFunctionsExecutionHistory.failedState(List.of(
                event(10, HistoryEventType.EXECUTION_FAILED, null),
                failStateEntered("{\"error\":{\"Error\":\"Kiln.HealthCheckFailed\",\"Cause\":\"no 2xx\",\"Step\":\"HealthCheck\"}}"),
                event(8, HistoryEventType.TASK_STATE_ENTERED, "Abandon"),
                event(6, HistoryEventType.TASK_FAILED, null),
                event(5, HistoryEventType.TASK_STATE_ENTERED, "Deploy")))).contains("HealthCheck");
    }

    @Test
    void shouldFallBackToTheFailedTaskWhenTheFailStateInputNamesNoStep() {
        assertThat(StepFunctionsExecutionHistory.failedState(List.of(
                failStateEntered("{\"error\":{\"Error\":\"States.TaskFailed\",\"Step\":42}}"),
                event(6, HistoryEventType.TASK_FAILED, null),
                event(5, HistoryEventType.TASK_STATE_ENTERED, "Deploy")))).contains("Deploy");
    }

    private static HistoryEvent event(long id, HistoryEventType type, String enteredState) {
        HistoryEvent.Builder event = HistoryEvent.builder().id(id).type(type).timestamp(Instant.EPOCH);
        if (enteredState != null) {
            event.stateEnteredEventDetails(StateEnteredEventDetails.builder().name(enteredState).build());
        }
        return event.build();
    }

    /** Event 9: the workflow entered its Fail state "Failed" with {@code input}, the error it had caught. */
    private static HistoryEvent failStateEntered(String input) {
        return HistoryEvent.builder().id(9L).type(HistoryEventType.FAIL_STATE_ENTERED).timestamp(Instant.EPOCH)
                .stateEnteredEventDetails(StateEnteredEventDetails.builder().name("Failed").input(input).build())
                .build();
    }
}
