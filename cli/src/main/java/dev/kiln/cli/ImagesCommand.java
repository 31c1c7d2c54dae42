package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.KilnConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln images [ROLE]}: the images Kiln baked and still has, newest first per role: which is the role's current
 * image, what uses each (a pointer, a launch template version, an instance), and what image retention decides for it
 * (kept as one of the newest, kept in use, removed by its next run). Asked of the image-retention function as a dry
 * run that mails nothing, so the list is retention's own view; nothing changes.
 */
@Command(name = "images", mixinStandardHelpOptions = true, description = "Kiln's images: which is current, what uses"
        + " each, which retention removes next.")
final class ImagesCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Parameters(paramLabel = "ROLE", arity = "0..1", description = "only this role's images")
    String role;

    @Override
    public Integer call() {
        Deployment deployment = kiln.deployment();
        if (role != null) {
            deployment.role(role);
        }
        Cloud cloud = kiln.context().cloud();
        Cloud.Invocation answer = cloud.invoke(deployment.output("RetentionFunctionName"),
                Json.MAPPER.createObjectNode().put("dryRun", true).put("mail", false).toString());
        JsonNode report = JsonText.parse(answer.payload());
        if (answer.failed()) {
            throw CliException.failed("image retention could not list the images: " + report.path("errorMessage").asText(answer.payload()));
        }
        Map<String, Optional<String>> current = new HashMap<>();
        List<ObjectNode> images = new ArrayList<>();
        for (JsonNode decision : report.path("decisions")) {
            String of = decision.path("role").asText();
            if (role != null && !role.equals(of)) {
                continue;
            }
            boolean isCurrent = current.computeIfAbsent(of, r -> cloud.currentImage(deployment.output("BakesTableName"), r)
                    .map(CurrentImages.Current::imageId)).map(decision.path("imageId").asText()::equals).orElse(false);
            images.add(Json.MAPPER.createObjectNode().put("role", of).put("imageId", decision.path("imageId").asText())
                    .put("createdAt", decision.path("createdAt").asText(null)).put("current", isCurrent)
                    .put("usedBy", decision.path("usedBy").asText(null)).put("retention", decision.path("action").asText())
                    .put("reason", decision.path("reason").asText()));
        }
        KilnConfig.Retention retention = deployment.config().retention();
        Console console = kiln.console();
        if (console.json()) {
            ObjectNode result = Json.MAPPER.createObjectNode().put("keepImages", retention.keepImages())
                    .put("retentionDryRun", retention.dryRun());
            ArrayNode list = result.putArray("images");
            images.forEach(list::add);
            console.result(result.toString());
            return 0;
        }
        if (images.isEmpty()) {
            console.line("No images" + (role == null ? "" : " of " + role) + " yet: kiln bake ROLE makes one.");
            return 0;
        }
        Instant now = kiln.context().clock().instant();
        console.line(String.format("%-10s %-32s %-17s %-5s %-52s %s", "ROLE", "IMAGE", "CREATED", "AGE", "USED BY", "RETENTION"));
        for (ObjectNode image : images) {
            String created = image.path("createdAt").asText("");
            console.line(String.format("%-10s %-32s %-17s %-5s %-52s %s", image.path("role").asText(),
                    image.path("imageId").asText() + (image.path("current").asBoolean() ? " (current)" : ""),
                    created.length() >= 16 ? created.substring(0, 16).replace('T', ' ') : created,
                    created.isEmpty() ? "-" : StatusCommand.age(Duration.between(Instant.parse(created), now)),
                    image.path("usedBy").asText("-"), switch (image.path("retention").asText()) {
                        case "KEEP_NEWEST" -> "kept: one of the " + retention.keepImages() + " newest";
                        case "KEEP_IN_USE" -> "kept: in use";
                        default -> retention.dryRun() ? "would be removed (retention.dryRun is on)" : "removed by the next run";
                    }));
        }
        return 0;
    }
}
