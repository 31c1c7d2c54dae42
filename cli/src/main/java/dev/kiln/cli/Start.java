package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.InputSchema;
import dev.kiln.common.Json;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Starting a workflow from the command line: its input checked with the state machine's own schema (packaged from
 * statemachines/), the execution named after the command, then followed until it ends unless asked not to.
 */
final class Start {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Start() {
    }

    /**
     * What a successful execution's output means: a few words, and whether it is a success for the person (a rotation
     * that ends with groups failed is an execution that succeeded, and a command that fails).
     */
    record Outcome(Function<JsonNode, String> summary, Predicate<JsonNode> succeeded) {

        /** An output that is always a success. */
        static Outcome of(Function<JsonNode, String> summary) {
            return new Outcome(summary, output -> true);
        }
    }

    /** Refuses (exit 2) an input the workflow's schema refuses: nothing starts. */
    static void check(String workflow, ObjectNode input) {
        InputSchema schema = InputSchema.load(workflow + ".input.schema.json");
        List<String> problems = schema.problems(input);
        if (!problems.isEmpty()) {
            throw CliException.badInput(workflow + " does not take this input (" + schema.where() + "): " + String.join("; ", problems));
        }
    }

    /**
     * Starts the state machine whose ARN the stack's output names and follows the execution.
     *
     * @param label   what the command starts, in words: "the release of web"
     * @param name    the execution's name, before its time stamp
     * @param outcome what a successful execution's output means
     */
    static int run(Kiln kiln, String machineOutput, String label, String name, ObjectNode input, boolean noWait,
                   Map<String, String> hints, Outcome outcome) {
        Console console = kiln.console();
        String execution = kiln.context().cloud().start(kiln.deployment().output(machineOutput),
                name + "-" + STAMP.format(kiln.context().clock().instant()) + "-" + UUID.randomUUID().toString().substring(0, 4),
                input.toString());
        if (noWait) {
            if (console.json()) {
                console.result(Json.MAPPER.createObjectNode().put("execution", execution).put("status", "RUNNING").toString());
            } else {
                console.line("kiln: started " + label + ": " + execution);
            }
            return 0;
        }
        console.line("kiln: " + label + ": " + execution + " (Ctrl-C stops following, not the workflow)");
        return new Follow(kiln.context().cloud(), console, kiln.context().clock()).follow(execution, hints, outcome);
    }
}
