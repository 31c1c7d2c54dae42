package dev.kiln.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.notify.errors.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExecutionStatusChangeTest {

    @Test
    void shouldReadThePublishedShapeOfAFailedExecution() {
        // when
        ExecutionStatusChange change = ExecutionStatusChange.parse(Samples.event("aws.states/execution-failed.json"));

        // then
        assertThat(change).isEqualTo(new ExecutionStatusChange(
                "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e6",
                "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-bake",
                "web-0d1a26e6",
                "FAILED",
                Optional.of(Instant.ofEpochMilli(1551225146847L)),
                Optional.of(Instant.ofEpochMilli(1551225151881L)),
                Optional.empty(),
                Optional.empty()));
        assertThat(change.stateMachineName()).isEqualTo("kiln-bake");
        assertThat(change.region()).isEqualTo("us-east-1");
        assertThat(change.partition()).isEqualTo("aws");
    }

    @Test
    void shouldReadARunningExecutionWithoutStopDate() {
        ExecutionStatusChange change = ExecutionStatusChange.parse(Samples.event("aws.states/execution-running.json"));

        assertThat(change.status()).isEqualTo("RUNNING");
        assertThat(change.stopDate()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[]                                                       | the event is not a JSON object",
            "{\"detail-type\": \"EC2 Instance State-change Notification\", \"detail\": {}} | expected detail-type 'Step Functions Execution Status Change' but got 'EC2 Instance State-change Notification'",
            "{\"detail-type\": \"Step Functions Execution Status Change\"} | the event has no detail object",
            "{\"detail-type\": \"Step Functions Execution Status Change\", \"detail\": {\"executionArn\": \"arn:aws:s3:::bucket\"}} | detail.executionArn is not an execution ARN: arn:aws:s3:::bucket",
            "{\"detail-type\": \"Step Functions Execution Status Change\", \"detail\": {\"executionArn\": 42}} | detail.executionArn is missing or not a string"})
    void shouldExplainWhyAMalformedEventCannotBeRead(String event, String reason) {
        assertThatThrownBy(() -> ExecutionStatusChange.parse(event.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage(reason);
    }

    @Test
    void shouldReadTimesWrittenAsIsoTextAsTheLocalCloudWritesThem() {
        byte[] event = Samples.event("aws.states/execution-failed.json", root -> root.with("detail")
                .put("startDate", "2026-11-22T08:09:13.082557+00:00")
                .put("stopDate", "2026-11-22T08:09:13.100937+00:00"));

        ExecutionStatusChange change = ExecutionStatusChange.parse(event);

        assertThat(change.startDate()).contains(Instant.parse("2026-11-22T08:09:13.082557Z"));
        assertThat(change.stopDate()).contains(Instant.parse("2026-11-22T08:09:13.100937Z"));
    }

    @Test
    void shouldRejectAStartDateThatIsNoTime() {
        byte[] event = Samples.event("aws.states/execution-failed.json",
                root -> root.with("detail").put("startDate", "yesterday"));

        assertThatThrownBy(() -> ExecutionStatusChange.parse(event))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("detail.startDate is neither epoch milliseconds nor an ISO-8601 time");
    }
}
