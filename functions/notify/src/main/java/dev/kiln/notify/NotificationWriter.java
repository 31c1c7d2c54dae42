package dev.kiln.notify;

import dev.kiln.common.Scrubbed;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Writes the notification for an execution that ended badly, in plain words. */
public final class NotificationWriter {

    static final int SUBJECT_LIMIT = 99;
    // a cause can be a whole stack trace or a command's output; the console link has all of it
    static final int CAUSE_LIMIT = 4000;

    public Notification write(String workflow, ExecutionStatusChange change, FailureDetails details) {
        String outcome = outcome(change.status());
        String subject = subject("Kiln " + workflow + " " + outcome + ": " + change.executionName());
        StringBuilder message = new StringBuilder()
                .append("Kiln workflow \"").append(workflow).append("\" ").append(outcome).append(".\n\n")
                .append(line("Execution", change.executionName()))
                .append(line("Status", change.status()))
                .append(line("Failed in", details.lastState().orElse("not reported")))
                .append(line("Error", details.error().orElse("not reported")))
                .append(line("Cause", details.cause().map(cause -> Scrubbed.text(cause, CAUSE_LIMIT)).orElse("not reported")))
                .append(line("Started", change.startDate().map(Instant::toString).orElse("not reported")))
                .append(line("Stopped", change.stopDate().map(stop -> stop + took(change.startDate(), stop))
                        .orElse("not reported")))
                .append("\nOpen the execution in the console:\n")
                .append(consoleLink(change)).append("\n\n")
                .append(line("State machine", change.stateMachineArn()))
                .append(line("Execution ARN", change.executionArn()));
        return new Notification(subject, message.toString(), Map.of("workflow", workflow, "status", change.status()));
    }

    static String consoleLink(ExecutionStatusChange change) {
        String region = change.region();
        String domain = switch (change.partition()) {
            case "aws-cn" -> region + ".console.amazonaws.cn";
            case "aws-us-gov" -> region + ".console.amazonaws-us-gov.com";
            default -> region + ".console.aws.amazon.com";
        };
        return "https://" + domain + "/states/home?region=" + region
                + "#/v2/executions/details/" + change.executionArn();
    }

    private static String outcome(String status) {
        return switch (status) {
            case "FAILED" -> "failed";
            case "TIMED_OUT" -> "timed out";
            case "ABORTED" -> "was aborted";
            default -> "ended with status " + status;
        };
    }

    private static String line(String label, String value) {
        return String.format("%-14s %s%n", label, value);
    }

    // SNS subjects are ASCII without line breaks, under 100 characters
    private static String subject(String text) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() <= SUBJECT_LIMIT ? ascii : ascii.substring(0, SUBJECT_LIMIT - 3) + "...";
    }

    private static String took(Optional<Instant> start, Instant stop) {
        return start.map(s -> " (after " + human(Duration.between(s, stop)) + ")").orElse("");
    }

    static String human(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }
}
