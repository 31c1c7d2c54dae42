package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln patch ADVISORY...}: runs the patch workflow again for advisories Kiln announced whose patch never started
 * or ended incomplete (or stopped midway), with the announcement as its input (what the rule on Kiln's bus gave it), and follows each. An
 * advisory patched, not affecting any role, waiting for the next bakes (its severity) or being patched is refused
 * with what to do instead; nothing starts unless every advisory named can be patched.
 */
@Command(name = "patch", mixinStandardHelpOptions = true, description = "Patch announced advisories again (never started, or"
        + " incomplete) and follow each.")
final class PatchCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Parameters(arity = "1..*", paramLabel = "ADVISORY", description = "an advisory's id, e.g. ALAS2023-2025-1196")
    List<String> ids;

    @Option(names = "--no-wait", description = "start them and return; do not follow them")
    boolean noWait;

    @Override
    public Integer call() {
        Map<String, Advisories.Advisory> known = Advisories.read(kiln).stream()
                .collect(Collectors.toMap(Advisories.Advisory::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        Map<String, ObjectNode> inputs = new LinkedHashMap<>();
        for (String id : ids) {
            Advisories.Advisory advisory = known.get(id);
            if (advisory == null) {
                throw CliException.badInput("unknown advisory " + id + ": Kiln has announced " + (known.isEmpty() ? "none"
                        : known.keySet().stream().limit(10).collect(Collectors.joining(", ")) + (known.size() > 10 ? ", ..." : ""))
                        + " (kiln advisories lists them)");
            }
            refuseUnlessPatchable(advisory, kiln.context().cloud());
            ObjectNode input = Json.MAPPER.createObjectNode().put("source", "kiln.advisories").put("detail-type",
                    "Security Advisory Published");
            input.set("detail", advisory.detail());
            Start.check("patch", input);
            inputs.put(id, input);
        }
        int exit = 0;
        for (Map.Entry<String, ObjectNode> patch : inputs.entrySet()) {
            String id = patch.getKey();
            exit = Math.max(exit, Start.run(kiln, "PatchStateMachineArn", "the patch of " + id,
                    "cli-patch-" + (id.length() > 40 ? id.substring(0, 40) : id), patch.getValue(), noWait, Map.of(),
                    new Start.Outcome(output -> output.path("summary").asText(output.toString()),
                            output -> !output.path("duplicate").asBoolean(false))));
        }
        return exit;
    }

    /** Refuses (exit 2) an advisory whose patch must not or need not run again, saying what to do instead. */
    private static void refuseUnlessPatchable(Advisories.Advisory advisory, Cloud cloud) {
        String id = advisory.id();
        Map<String, String> patch = advisory.patch();
        String why = switch (advisory.patchState()) {
            case "PATCHED" -> id + " was patched (" + patch.getOrDefault("rotationSummary", "its rotation is not recorded yet") + ")";
            case "NOT_AFFECTED" -> id + " affects no role: no image carries its packages";
            case "WAITING" -> id + " is " + advisory.severity() + ": that severity is not patched at once (advisories.immediate);"
                    + " every affected role's next bake applies it, and kiln bake ROLE bakes one now";
            // a patch that stopped midway (aborted, failed before recording) is taken over by the next
            case "PATCHING" -> cloud.find(patch.get("executionArn")).map(Cloud.Execution::running).orElse(false)
                    ? id + " is being patched by " + patch.get("executionArn") : null;
            default -> null;
        };
        if (why == null && advisory.detail() == null) {
            why = "the announcement of " + id + " is gone (Step Functions keeps an execution 90 days after it ends): start"
                    + " patch with the event by hand (docs/advisories.md)";
        }
        if (why != null) {
            throw CliException.badInput(why + "; nothing was started");
        }
    }
}
