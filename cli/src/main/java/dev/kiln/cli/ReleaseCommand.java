package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.release.InvalidReleaseException;
import dev.kiln.common.release.Release;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln release set ROLE VERSION --artifact A [--sha256 H]}: the role's release, through the release function
 * (docs/lifecycle.md), a local artifact uploaded first. {@code kiln release start|approve|reject|rollback ROLE}: the
 * blue-green workflow (docs/blue-green.md). start checks
 * the input with the state machine's schema and the role against the deployed configuration, starts the release and
 * follows it; approve, reject and rollback are the decisions the release waits for, made as the approval link's
 * buttons make them.
 */
@Command(name = "release", mixinStandardHelpOptions = true, description = "Set a role's release; release a role blue/green: start it, decide it, roll it back.")
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

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set the role's release (the application its"
            + " instances get as they launch), uploading a local artifact first.")
    int set(@Parameters(index = "0", paramLabel = "ROLE") String role,
            @Parameters(index = "1", paramLabel = "VERSION", description = "letters, digits and . _ + - (at most 64)") String version,
            @Option(names = "--artifact", required = true, paramLabel = "ARTIFACT", description = "s3://<ArtifactBucketName>/releases/"
                    + "ROLE/NAME.tar.gz, or a local .tar.gz to upload to releases/ROLE/ROLE-VERSION.tar.gz") String artifact,
            @Option(names = "--sha256", description = "the artifact's SHA-256; required for an s3:// artifact, checked against a"
                    + " local file") String sha256) {
        kiln.deployment().role(role);
        Cloud cloud = kiln.context().cloud();
        Release release;
        if (artifact.startsWith("s3://")) {
            if (sha256 == null) {
                throw CliException.badInput("--sha256 is required with an s3:// artifact: Kiln checks the artifact against it");
            }
            release = release(role, version, artifact, sha256.toLowerCase(Locale.ROOT));
        } else {
            Path file = Path.of(artifact);
            if (!Files.isRegularFile(file)) {
                throw CliException.badInput("--artifact " + artifact + " is neither s3://... nor a file here");
            }
            String computed = sha256(file);
            if (sha256 != null && !sha256.equalsIgnoreCase(computed)) {
                throw CliException.badInput("--sha256 " + sha256 + " is not the SHA-256 of " + artifact + " (" + computed + ")");
            }
            String bucket = kiln.deployment().output("ArtifactBucketName");
            release = release(role, version, "s3://" + bucket + "/releases/" + role + "/" + role + "-" + version + ".tar.gz", computed);
            Optional<Map<String, String>> there = cloud.objectMetadata(bucket, release.key());
            if (there.isEmpty()) {
                cloud.upload(bucket, release.key(), file, Map.of("sha256", computed));
                kiln.console().line("kiln: uploaded " + artifact + " to " + release.artifact());
            } else if (!computed.equals(there.get().get("sha256"))) {
                throw CliException.badInput(release.artifact() + " already holds another artifact (a release's artifact is never"
                        + " replaced: instances may be fetching it); give this one a new version");
            }
        }
        Cloud.Invocation answer = cloud.invoke(kiln.deployment().output("ReleaseFunctionName"), Json.MAPPER.createObjectNode()
                .put("role", role).put("version", version).put("artifact", release.artifact()).put("sha256", release.sha256()).toString());
        JsonNode said = JsonText.parse(answer.payload());
        if (answer.failed()) {
            String why = "the release function refused " + version + " for " + role + ": " + said.path("errorMessage").asText(answer.payload());
            throw said.path("errorType").asText().endsWith("InvalidReleaseException") ? CliException.badInput(why) : CliException.failed(why);
        }
        Console console = kiln.console();
        if (console.json()) {
            console.result(said.toString());
        } else if (!said.path("changed").asBoolean()) {
            console.line("kiln: " + version + " is already " + role + "'s release; nothing changed");
        } else {
            console.line("kiln: " + role + "'s release is " + version + " (" + release.artifact() + ")" + (said.path("previous").isObject()
                    ? "; it was " + said.at("/previous/version").asText() : "") + ". Instances get it as they launch; kiln rotate --role "
                    + role + " --now replaces the running ones.");
            said.path("resumed").forEach(g -> console.line("  launches of " + g.asText() + " resumed (they had been suspended after failures)"));
        }
        return 0;
    }

    /** The file's SHA-256, as 64 lower-case hex digits (what sha256sum prints). */
    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw CliException.badInput("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The release as the release function will check it, refused here first (exit 2) when it would be there. */
    private static Release release(String role, String version, String artifact, String sha256) {
        try {
            return new Release(role, version, artifact, sha256, null);
        } catch (InvalidReleaseException e) {
            throw CliException.badInput(e.getMessage());
        }
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
