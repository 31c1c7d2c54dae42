package dev.kiln.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationWriterTest {

    private final NotificationWriter writer = new NotificationWriter();

    private static ExecutionStatusChange failed(String executionArn, String name) {
        String stateMachineArn = executionArn.replace(":execution:", ":stateMachine:")
                .substring(0, executionArn.lastIndexOf(':'));
        return new ExecutionStatusChange(executionArn, stateMachineArn, name, "FAILED",
                Optional.of(Instant.parse("2026-11-22T03:00:00Z")), Optional.of(Instant.parse("2026-11-22T03:41:07Z")),
                Optional.empty(), Optional.empty());
    }

    @Test
    void shouldLinkToTheExecutionInTheConsoleOfItsRegion() {
        ExecutionStatusChange change = failed("arn:aws:states:ap-northeast-1:123456789012:execution:kiln-bake:web-1", "web-1");

        assertThat(NotificationWriter.consoleLink(change)).isEqualTo(
                "https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1"
                        + "#/v2/executions/details/arn:aws:states:ap-northeast-1:123456789012:execution:kiln-bake:web-1");
    }

    @Test
    void shouldLinkToTheChinaConsoleForTheAwsCnPartition() {
        ExecutionStatusChange change = failed("arn:aws-cn:states:cn-north-1:123456789012:execution:kiln-bake:web-1", "web-1");

        assertThat(NotificationWriter.consoleLink(change))
                .startsWith("https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/");
    }

    @Test
    void shouldKeepTheSubjectAsciiAndUnderSnsLimitOfOneHundredCharacters() {
        String longName = "web-" + "ü".repeat(30) + "-0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
        ExecutionStatusChange change = failed("arn:aws:states:us-east-1:123456789012:execution:kiln-bake:x", longName);

        Notification notification = writer.write("bake", change, FailureDetails.UNKNOWN);

        assertThat(notification.subject()).hasSizeLessThan(100).matches("[\\x20-\\x7E]+").startsWith("Kiln bake failed: web-???").endsWith("...");
    }

    @Test
    void shouldCutTheMiddleOfAVeryLongCauseAndPointToTheConsole() {
        ExecutionStatusChange change = failed("arn:aws:states:us-east-1:123456789012:execution:kiln-bake:web-1", "web-1");
        String cause = "provisioning ended Failed " + "x".repeat(NotificationWriter.CAUSE_LIMIT + 500) + " the last line";

        Notification notification = writer.write("bake", change,
                new FailureDetails(Optional.of("States.TaskFailed"), Optional.of(cause), Optional.empty()));

        assertThat(notification.message())
                .contains("provisioning ended Failed xxx", "characters cut", "x the last line", "Open the execution in the console")
                .doesNotContain("x".repeat(NotificationWriter.CAUSE_LIMIT));
    }

    @Test
    void shouldMaskASecretThatACommandsOutputPrintedIntoTheCause() {
        ExecutionStatusChange change = failed("arn:aws:states:us-east-1:123456789012:execution:kiln-launch:i-1", "i-1");
        String cause = "installing the release ended Failed with exit code 1 on i-0123 (full output: s3://kiln/logs/): "
                + "curl: (22) https://deploy:pa55word@artifacts.example.com/web.tgz 403 DB_PASSWORD=hunter2";

        Notification notification = writer.write("launch", change,
                new FailureDetails(Optional.of("Kiln.InstallFailed"), Optional.of(cause), Optional.empty()));

        assertThat(notification.message()).doesNotContain("pa55word", "hunter2")
                .contains("https://deploy:[scrubbed]@artifacts.example.com/web.tgz", "DB_PASSWORD=[scrubbed]");
    }

    @Test
    void shouldSayHowLongTheExecutionRan() {
        ExecutionStatusChange change = failed("arn:aws:states:us-east-1:123456789012:execution:kiln-bake:web-1", "web-1");

        assertThat(writer.write("bake", change, FailureDetails.UNKNOWN).message())
                .contains("Stopped        2026-11-22T03:41:07Z (after 41m 7s)");
    }

    @ParameterizedTest
    @CsvSource({"PT5S, 5s", "PT65S, 1m 5s", "PT2H3M59S, 2h 3m", "PT-1S, 0s"})
    void shouldWriteDurationsForPeople(Duration duration, String words) {
        assertThat(NotificationWriter.human(duration)).isEqualTo(words);
    }
}
