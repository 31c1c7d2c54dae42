package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows an execution until it ends: a line for each state the first time it enters it, with the time since it
 * started (a polling loop's later rounds are not repeated; on a terminal the state it is in is shown on a line that
 * keeps counting), and how it ended. Stopping the command (Ctrl-C)
 * stops the following, never the execution.
 */
final class Follow {

    /** How long between two looks at the execution. */
    static final Duration POLL = Duration.ofSeconds(2);

    private final Cloud cloud;
    private final Console console;
    private final Clock clock;

    Follow(Cloud cloud, Console console, Clock clock) {
        this.cloud = cloud;
        this.console = console;
        this.clock = clock;
    }

    /**
     * Follows the execution to its end and says how it ended; exit code 0 only when it succeeded.
     *
     * @param hints   a line to add when the execution enters a state, e.g. what a person is expected to do there
     * @param outcome what a successful execution's output means
     */
    int follow(String executionArn, Map<String, String> hints, Start.Outcome outcome) {
        Thread notice = new Thread(() -> console.progress().println("\nkiln: stopped following; the execution goes on: "
                + executionArn));
        Runtime.getRuntime().addShutdownHook(notice);
        try {
            int shown = 0;
            Set<String> printed = new HashSet<>();
            while (true) {
                Cloud.Execution execution = cloud.describe(executionArn);
                List<Cloud.Event> steps = cloud.history(executionArn).stream().filter(Cloud.Event::entered).toList();
                for (Cloud.Event step : steps.subList(Math.min(shown, steps.size()), steps.size())) {
                    if (!printed.add(step.state())) {
                        continue; // a polling loop's next round: the status line shows it
                    }
                    console.line(String.format("  %s  %s", elapsed(execution.startedAt(), step.at()), step.state()));
                    String hint = hints.get(step.state());
                    if (hint != null) {
                        console.line("         " + hint);
                    }
                }
                shown = Math.max(shown, steps.size());
                if (!execution.running()) {
                    return ended(execution, outcome);
                }
                if (!steps.isEmpty()) {
                    console.status(String.format("  %s  in %s", elapsed(execution.startedAt(), clock.instant()),
                            steps.get(steps.size() - 1).state()));
                }
                console.pause(POLL);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(notice);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: the person stopped the command
            }
        }
    }

    private int ended(Cloud.Execution execution, Start.Outcome outcome) {
        JsonNode output = execution.output() == null ? null : JsonText.parse(execution.output());
        boolean succeeded = execution.status().equals("SUCCEEDED") && (output == null || outcome.succeeded().test(output));
        String took = execution.stoppedAt() == null ? "" : " after " + elapsed(execution.startedAt(), execution.stoppedAt());
        if (console.json()) {
            ObjectNode result = Json.MAPPER.createObjectNode().put("execution", execution.arn()).put("status", execution.status());
            if (execution.error() != null) {
                result.put("error", execution.error()).put("cause", execution.cause());
            }
            if (output != null) {
                result.set("output", output);
            }
            console.result(result.toString());
        } else if (execution.status().equals("SUCCEEDED")) {
            console.line("kiln: " + execution.status() + took + (output == null ? "" : ": " + outcome.summary().apply(output)));
        } else {
            console.line("kiln: " + execution.status() + took + (execution.error() == null ? "" : ": " + execution.error()
                    + (execution.cause() == null ? "" : ": " + execution.cause())));
        }
        return succeeded ? 0 : CliException.FAILED;
    }


    /** e.g. 00:42 or 1:02:03 */
    static String elapsed(Instant from, Instant to) {
        long seconds = Math.max(0, Duration.between(from, to).toSeconds());
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%02d:%02d", seconds / 60, seconds % 60);
    }
}
