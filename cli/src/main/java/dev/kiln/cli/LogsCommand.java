package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln logs EXECUTION}: what happened in one execution of any Kiln workflow, read from its history: how it
 * ended, the step that failed, its error, and where the output of the commands it ran on instances is (Run Command's
 * S3 prefixes).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Say how an execution ended, the step that failed and"
        + " where its commands' output is.")
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Parameters(paramLabel = "EXECUTION", description = "an execution's ARN, or its name (any of Kiln's workflows)")
    String execution;

    @Override
    public Integer call() {
        Cloud cloud = kiln.context().cloud();
        Cloud.Execution found = find(cloud);
        List<Cloud.Event> history = cloud.history(found.arn());
        String failedStep = failedStep(history, found.error());
        Set<String> outputs = commandOutputs(history);
        String elapsed = Follow.elapsed(found.startedAt(), found.stoppedAt() == null ? kiln.context().clock().instant() : found.stoppedAt());

        Console console = kiln.console();
        if (console.json()) {
            ObjectNode result = Json.MAPPER.createObjectNode().put("execution", found.arn()).put("status", found.status());
            if (!found.running() && !found.status().equals("SUCCEEDED")) {
                result.put("failedStep", failedStep).put("error", found.error()).put("cause", found.cause());
            }
            ArrayNode where = result.putArray("commandOutput");
            outputs.forEach(where::add);
            console.result(result.toString());
            return 0;
        }
        console.line("kiln: " + found.arn().substring(found.arn().lastIndexOf(':') + 1) + " (" + workflow(found.arn()) + "): "
                + found.status() + (found.running() ? " for " : " after ") + elapsed);
        if (!found.running() && !found.status().equals("SUCCEEDED")) {
            console.line("  failed step:    " + (failedStep == null ? "(none recorded)" : failedStep));
            console.line("  error:          " + found.error());
            console.line("  cause:          " + found.cause());
        }
        if (outputs.isEmpty()) {
            console.line("  command output: (it ran no command on an instance)");
        }
        outputs.forEach(uri -> console.line("  command output: " + uri));
        return 0;
    }

    /** The execution by ARN, or by name among the stack's state machines. */
    private Cloud.Execution find(Cloud cloud) {
        if (execution.startsWith("arn:")) {
            return cloud.find(execution).orElseThrow(() -> CliException.badInput("there is no execution " + execution));
        }
        List<String> machines = new ArrayList<>();
        for (var output : kiln.deployment().outputs().entrySet()) {
            if (output.getKey().endsWith("StateMachineArn")) {
                machines.add(output.getValue());
                Optional<Cloud.Execution> found = cloud.find(output.getValue().replace(":stateMachine:", ":execution:") + ":" + execution);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw CliException.badInput("no execution named " + execution + " in Kiln's " + machines.size() + " workflows (" + String.join(", ",
                machines.stream().map(m -> m.substring(m.lastIndexOf(':') + 1)).sorted().toList()) + ")");
    }

    private static String workflow(String executionArn) {
        String[] parts = executionArn.split(":");
        return parts.length > 6 ? parts[6] : executionArn;
    }

    /** The state the execution was in when the event happened. */
    private static String stateBefore(List<Cloud.Event> history, Cloud.Event event) {
        String state = null;
        for (Cloud.Event e : history) {
            if (e == event) {
                return state;
            }
            if (e.entered()) {
                state = e.state();
            }
        }
        return state;
    }

    /**
     * The step that failed the execution: the state of the last task that raised the execution's error; else Kiln's state
     * that declared it (a Pass state named so: ProvisionFailed, SmokeFailed, ApprovalTimedOut); else the state of the
     * last task that failed.
     */
    private static String failedStep(List<Cloud.Event> history, String error) {
        Cloud.Event raised = null;
        for (Cloud.Event e : history) {
            raised = e.taskFailure() && e.error() != null && e.error().equals(error) ? e : raised;
        }
        if (raised != null) {
            return stateBefore(history, raised); // the last one: an earlier, caught one (spot, say) led to another try
        }
        // a Pass state: a task named so (EmitBakeFailed) only tells of the failure
        Optional<String> declared = history.stream().filter(e -> e.type().equals("PassStateEntered")).map(Cloud.Event::state)
                .filter(s -> s.endsWith("Failed") || s.endsWith("TimedOut")).findFirst();
        if (declared.isPresent()) {
            return declared.get();
        }
        Cloud.Event lastFailure = null;
        for (Cloud.Event e : history) {
            lastFailure = e.taskFailure() ? e : lastFailure;
        }
        return lastFailure == null ? null : stateBefore(history, lastFailure);
    }

    /** Where Run Command put the output of each command the execution sent: s3://bucket/prefix/. */
    private static Set<String> commandOutputs(List<Cloud.Event> history) {
        Set<String> outputs = new LinkedHashSet<>();
        for (Cloud.Event e : history) {
            if (e.parameters() == null || !e.parameters().contains("OutputS3KeyPrefix")) {
                continue;
            }
            try {
                JsonNode parameters = Json.MAPPER.readTree(e.parameters());
                outputs.add("s3://" + parameters.path("OutputS3BucketName").asText() + "/" + parameters.path("OutputS3KeyPrefix").asText());
            } catch (Exception notJson) {
                // a task whose parameters are not JSON sent no command
            }
        }
        return outputs;
    }
}
