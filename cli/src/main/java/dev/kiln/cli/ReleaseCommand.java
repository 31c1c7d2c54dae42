package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln release start|approve|reject|rollback ROLE}: the blue-green workflow (docs/blue-green.md). start checks
 * the input with the state machine's schema and the role against the deployed configuration, starts the release and
 * follows it; approve, reject and rollback are the decisions the release waits for, made as the approval link's
 * buttons make them.
 */
@Command(name = "release", mixinStandardHelpOptions = true, description = "Release a role blue/green: start it, decide it, roll it back.")
final class ReleaseCommand {

    @ParentCommand
    Kiln kiln;

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Release the role's current image and release to"
            + " its idle colour, preview it from the office, and switch after an approval; follows it until it ends.")
    int start(@Parameters(paramLabel = "ROLE", description = "a role with a blueGreen block") String role,
              @Option(names = "--reason", description = "why, in a few words people read") String reason,
              @Option(names = "--no-wait", description = "start it and return; do not follow it") boolean noWait) {
        ObjectNode input = Json.MAPPER.createObjectNode().put("role", role).put("reason", reason == null
                ? "kiln release start, by " + kiln.context().user() : reason);
        Start.check("blue-green", input);
        blueGreen(role);
        return Start.run(kiln, "BlueGreenStateMachineArn", "the release of " + role, "cli-" + role, input, noWait, Map.of(
                "AskApproval", "waiting for a decision: kiln release approve " + role + " (or reject), or the link mailed to the approvers",
                "RollbackWindow", "the old colour is kept for the rollback window: kiln release rollback " + role + " switches back"),
                Start.Outcome.of(output -> "outcome " + output.path("outcome").asText("?")));
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve the release waiting for it: the switch starts.")
    int approve(@Parameters(paramLabel = "ROLE") String role, @Option(names = "--by", description = "who decides (default: your user name)") String by) {
        return decide(role, "approve", by);
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject the release waiting for approval: its preview is taken down.")
    int reject(@Parameters(paramLabel = "ROLE") String role, @Option(names = "--by", description = "who decides (default: your user name)") String by) {
        return decide(role, "reject", by);
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Within the rollback window: send everything back to the old colour at once.")
    int rollback(@Parameters(paramLabel = "ROLE") String role, @Option(names = "--by", description = "who decides (default: your user name)") String by) {
        return decide(role, "rollback", by);
    }

    private int decide(String role, String decision, String by) {
        blueGreen(role);
        String who = by == null ? kiln.context().user() + " (kiln command line)" : by;
        Cloud.Invocation answer = kiln.context().cloud().invoke(kiln.deployment().output("BlueGreenDecideFunctionName"),
                Json.MAPPER.createObjectNode().put("role", role).put("decision", decision).put("by", who).toString());
        JsonNode said = JsonText.parse(answer.payload());
        if (answer.failed()) {
            throw CliException.failed("could not " + decision + " the release of " + role + ": " + said.path("errorMessage").asText(answer.payload()));
        }
        Console console = kiln.console();
        if (console.json()) {
            console.result(said.toString());
        } else {
            console.line("kiln: " + switch (decision) {
                case "approve" -> "approved";
                case "reject" -> "rejected";
                default -> "rolled back";
            } + " the release of " + role + " (execution " + said.path("execution").asText("?") + "), as " + who);
        }
        return 0;
    }

    /** The role, which must be released blue/green. */
    private KilnConfig.Role blueGreen(String role) {
        KilnConfig.Role found = kiln.deployment().role(role);
        if (found.blueGreen() == null) {
            throw CliException.badInput("role " + role + " is not released blue/green: its entry in the configuration has no"
                    + " blueGreen block (docs/blue-green.md)");
        }
        return found;
    }
}
