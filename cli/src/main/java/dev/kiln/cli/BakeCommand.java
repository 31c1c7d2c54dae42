package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.GitHubToken;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln bake ROLE [--sha S] [--keep-on-failure] [--force]}: bakes the role's image from a commit (by default
 * the newest of the configured branch, asked of GitHub) and follows the bake (docs/baking.md).
 */
@Command(name = "bake", mixinStandardHelpOptions = true, description = "Bake a role's image from a commit and follow the bake.")
final class BakeCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Parameters(paramLabel = "ROLE", description = "a role of the configuration")
    String role;

    @Option(names = "--sha", description = "the commit (40 hex digits); default: the newest on the configured branch")
    String sha;

    @Option(names = "--keep-on-failure", description = "keep a failed builder running to look into it")
    boolean keepOnFailure;

    @Option(names = "--force", description = "bake even if this commit was baked before: a new image of it")
    boolean force;

    @Option(names = "--no-wait", description = "start it and return; do not follow it")
    boolean noWait;

    @Override
    public Integer call() {
        KilnConfig.Role baked = kiln.deployment().role(role);
        KilnConfig.Repository repository = kiln.deployment().config().repository();
        ObjectNode source = Json.MAPPER.createObjectNode();
        if (sha == null) {
            Optional<String> token = kiln.context().cloud().secret(kiln.deployment().output("GitHubTokenSecretName"))
                    .flatMap(GitHubToken::usable);
            source.put("sha", kiln.context().heads().head(repository, token)).put("ref", "refs/heads/" + repository.branch());
        } else {
            source.put("sha", sha);
        }
        ObjectNode input = Json.MAPPER.createObjectNode().put("role", baked.name());
        input.set("source", source);
        input.put("reason", "manual");
        if (keepOnFailure) {
            input.put("keepOnFailure", true);
        }
        if (force) {
            input.put("force", true);
        }
        Start.check("bake", input);
        String commit = source.path("sha").asText();
        return Start.run(kiln, "BakeStateMachineArn", "the bake of " + role + " at " + commit.substring(0, 7),
                "cli-" + role + "-" + commit.substring(0, 7), input, noWait, Map.of(),
                Start.Outcome.of(output -> output.has("imageId") ? "image " + output.path("imageId").asText()
                        + (output.path("published").asBoolean(true) ? ", published as " + role + "'s current image" : ", kept but not published")
                        : output.toString()));
    }
}
