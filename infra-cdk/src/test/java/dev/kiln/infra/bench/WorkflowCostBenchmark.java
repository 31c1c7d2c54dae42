package dev.kiln.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.RepositoryLayout;
import dev.kiln.infra.it.LocalCloud;
import dev.kiln.infra.statemachines.AslLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * What each Kiln workflow's runs on the local cloud cost: state transitions (those of polling loops apart), Lambda
 * invocations and their GB-seconds, read from the execution histories of its latest succeeded runs, priced at AWS's
 * published prices ({@code docs/cost.md}). It drives no workflow: run it after the demo (as {@code scripts/benchmark}
 * does) or the integration tests. Prints the table and writes it to {@code benchmarks/workflow-costs.md}; it checks
 * the transition budgets by printing them, not by failing (the runs it finds are whatever ran).
 */
class WorkflowCostBenchmark {

    /** Step Functions Standard, per state transition (us-east-1, $0.025 per 1,000). */
    static final double PER_TRANSITION = 0.025 / 1000;
    /** Lambda on arm64, per GB-second (us-east-1, first tier) and per request ($0.20 per million). */
    static final double PER_GB_SECOND = 0.0000133334;
    static final double PER_REQUEST = 0.20 / 1_000_000;
    /** The budgets, transitions per run apart from polling. */
    static final Map<String, Integer> BUDGETS = Map.of("bake", 60, "launch (fast)", 25);

    private static final int RUNS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient sfn = LocalCloud.client(SfnClient.builder());
    private final LambdaClient lambda = LocalCloud.client(LambdaClient.builder());
    private final Map<String, Integer> memory = new HashMap<>();

    /** One run: its transitions, those of polling loops after their first pass, its Lambda work, its length. */
    record Run(int transitions, int polling, int invocations, double gbSeconds, double seconds) {

        double cost() {
            return transitions * PER_TRANSITION + invocations * PER_REQUEST + gbSeconds * PER_GB_SECOND;
        }
    }

    @Test
    void measureEachWorkflowsTransitionsInvocationsAndCostPerRun() throws IOException {
        Map<String, List<Run>> workflows = new LinkedHashMap<>();
        for (String machine : LocalCloud.stackResources("AWS::StepFunctions::StateMachine")) {
            String name = machine.substring(machine.lastIndexOf(':') + 1).replaceFirst("^" + LocalCloud.STACK + "-", "");
            Set<String> polling = pollingStates(tree(sfn.describeStateMachine(r -> r.stateMachineArn(machine)).definition()));
            Map<String, List<Run>> byPath = new TreeMap<>();
            for (ExecutionListItem execution : sfn.listExecutionsPaginator(r -> r.stateMachineArn(machine)
                    .statusFilter(ExecutionStatus.SUCCEEDED)).executions().stream().limit(RUNS).toList()) {
                byPath.computeIfAbsent(name + path(execution), key -> new ArrayList<>()).add(run(execution, polling));
            }
            BUDGETS.keySet().stream().filter(workflow -> workflow.startsWith(name)).forEach(workflow -> byPath.putIfAbsent(workflow, List.of()));
            byPath.putIfAbsent(name, List.of());
            if (byPath.size() > 1 && byPath.get(name).isEmpty()) {
                byPath.remove(name); // a launch's runs are shown by path
            }
            workflows.putAll(byPath);
        }
        String report = report(workflows);
        System.out.println(report);
        RepositoryLayout layout = RepositoryLayout.locate(System.getProperty("kiln.root"), Path.of(""));
        Path file = layout.root().resolve("benchmarks/workflow-costs.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
        assertThat(workflows).as("the deployed stack's state machines").isNotEmpty();
    }

    /** The path a launch took, " (fast)" or " (deploy)", from its output; nothing for other workflows. */
    private String path(ExecutionListItem execution) {
        String path = tree(sfn.describeExecution(r -> r.executionArn(execution.executionArn())).output()).path("path").asText("");
        return path.isEmpty() ? "" : " (" + path + ")";
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Run run(ExecutionListItem execution, Set<String> pollingStates) {
        List<HistoryEvent> events = sfn.getExecutionHistoryPaginator(r -> r.executionArn(execution.executionArn())
                .includeExecutionData(true)).events().stream().toList();
        Map<String, Integer> entered = new HashMap<>();
        Map<Long, HistoryEvent> scheduled = new HashMap<>();
        int transitions = 0;
        int invocations = 0;
        double gbSeconds = 0;
        for (HistoryEvent event : events) {
            String type = event.typeAsString();
            if (type.endsWith("StateEntered")) {
                transitions++;
                entered.merge(event.stateEnteredEventDetails().name(), 1, Integer::sum);
            } else if (type.equals("TaskScheduled") && "lambda".equals(event.taskScheduledEventDetails().resourceType())) {
                invocations++;
                scheduled.put(event.id(), event);
            } else if ((type.equals("TaskSucceeded") || type.equals("TaskFailed") || type.equals("TaskTimedOut"))
                    && scheduled.containsKey(started(events, event))) {
                HistoryEvent task = scheduled.get(started(events, event));
                double seconds = Duration.between(task.timestamp(), event.timestamp()).toMillis() / 1000.0;
                gbSeconds += seconds * memoryOf(task.taskScheduledEventDetails().parameters()) / 1024.0;
            }
        }
        int polling = entered.entrySet().stream().filter(state -> pollingStates.contains(state.getKey()))
                .mapToInt(state -> state.getValue() - 1).sum();
        double seconds = Duration.between(execution.startDate(), execution.stopDate()).toMillis() / 1000.0;
        return new Run(transitions, polling, invocations, gbSeconds, seconds);
    }

    /** The id of the TaskScheduled event a task's end follows (its previous event ids lead back to it). */
    private static long started(List<HistoryEvent> events, HistoryEvent end) {
        long id = end.previousEventId();
        while (id > 0) {
            HistoryEvent previous = events.get((int) id - 1);
            if (previous.typeAsString().equals("TaskScheduled")) {
                return previous.id();
            }
            id = previous.previousEventId();
        }
        return -1;
    }

    /** The memory of the function a task's parameters name ({@code FunctionName}: its alias's ARN). */
    private int memoryOf(String parameters) {
        String function = tree(parameters).path("FunctionName").asText();
        return memory.computeIfAbsent(function, name -> lambda.getFunctionConfiguration(r -> r.functionName(name)).memorySize());
    }

    /** The states of the definition's polling loops: loops that pass through a Wait state, in any scope. */
    static Set<String> pollingStates(JsonNode definition) {
        Set<String> polling = new HashSet<>();
        scopes(definition, states -> AslLimits.loops(states).stream()
                .filter(loop -> loop.stream().anyMatch(name -> states.get(name).path("Type").asText().equals("Wait")))
                .forEach(polling::addAll));
        return polling;
    }

    /** Each scope's states: the machine's, and those of its Maps and Parallel branches, however deep. */
    private static void scopes(JsonNode machine, Consumer<JsonNode> each) {
        JsonNode states = machine.path("States");
        each.accept(states);
        states.forEach(state -> {
            scopes(state.path("ItemProcessor"), each);
            scopes(state.path("Iterator"), each);
            state.path("Branches").forEach(branch -> scopes(branch, each));
        });
    }

    private static String report(Map<String, List<Run>> workflows) {
        StringBuilder out = new StringBuilder();
        out.append("# Workflow runs on the local cloud: transitions, Lambda work, cost\n\n");
        out.append("Measured by `scripts/benchmark` (`WorkflowCostBenchmark`) on ").append(Instant.now().toString(), 0, 10)
                .append(" from the execution histories of each workflow's latest succeeded runs (up to ").append(RUNS)
                .append("), medians.\nTransitions: states entered (AWS bills each, retries too); polling: the passes of a loop through a Wait\n")
                .append("state after its first. Invocations: Lambda tasks; GB-s: their time on the local cloud (no SnapStart) times their\n")
                .append("memory. Cost per run at us-east-1 prices: $0.025 per 1,000 transitions, arm64 Lambda $0.0000133334 per GB-s and\n")
                .append("$0.20 per million requests (docs/cost.md; the builder instances of a bake are priced there, not here).\n")
                .append("Not counted: the child executions of a distributed Map (distribute's regions, rotate's groups), which AWS\n")
                .append("bills as executions of their own; their histories are not read here. Launch runs are shown by the path they\n")
                .append("took (none: a repeated or stale lifecycle event, ended at once).\n\n");
        out.append("| workflow | runs | transitions | of which polling | transitions − polling | budget | Lambda invocations | GB-s | seconds | cost per run |\n");
        out.append("|---|--:|--:|--:|--:|---|--:|--:|--:|--:|\n");
        workflows.forEach((name, runs) -> {
            if (runs.isEmpty()) {
                out.append("| ").append(name).append(" | 0 | no succeeded run to read | | | ")
                        .append(budget(name, -1)).append(" | | | | |\n");
                return;
            }
            int work = (int) median(runs, run -> run.transitions() - run.polling());
            out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %d | %s | %.0f | %.1f | %.0f | $%.6f |%n", name, runs.size(),
                    median(runs, Run::transitions), median(runs, Run::polling), work, budget(name, work),
                    median(runs, Run::invocations), median(runs, Run::gbSeconds), median(runs, Run::seconds), median(runs, Run::cost)));
        });
        return out.toString();
    }

    private static String budget(String workflow, int work) {
        Integer budget = BUDGETS.get(workflow);
        if (budget == null) {
            return "";
        }
        return "≤ " + budget + (work < 0 ? "" : work <= budget ? " (within)" : " **(over)**");
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        return values[values.length / 2];
    }
}
