package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * kiln status, rotate, freeze, unfreeze and images against the deployed stack, through the runnable jar: what it
 * reports is what Kiln's tables, parameters and the local cloud's Auto Scaling hold, and what it starts really runs.
 * (bake and logs are run by BakeIT, release by BlueGreenIT.)
 */
class CommandLineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final String GROUP = "cli-it-web";

    @Test
    void shouldReportEachRolesCurrentImageAndReleaseAsKilnHoldsThem() throws Exception {
        KilnCli.Run status = KilnCli.run("--output", "json", "status");

        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode roles = status.json().path("roles");
        assertThat(roles).extracting(r -> r.path("role").asText()).containsExactly("base", "web");
        for (JsonNode role : roles) {
            Map<String, AttributeValue> current = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName"))
                    .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role.path("role").asText())))).item();
            assertThat(role.at("/image/imageId").asText(null)).as(role.toString())
                    .isEqualTo(current == null || !current.containsKey("imageId") ? null : current.get("imageId").s());
            assertThat(role.path("release").isMissingNode() ? null : role.path("release")).isEqualTo(release(role.path("role").asText()));
        }
        assertThat(status.json().path("running").isArray()).isTrue();
        assertThat(status.json().path("lastFailures").isArray()).isTrue();
    }

    @Test
    void shouldPrintATableForPeopleAndRefuseAnUnknownRoleNamingTheRolesThereAre() throws Exception {
        KilnCli.Run table = KilnCli.run("status");
        KilnCli.Run unknown = KilnCli.run("status", "--role", "api");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("ROLE ").contains("\nbase ", "\nweb ");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("kiln: unknown role api: the configuration has base, web");
    }

    @Test
    void shouldHoldAFrozenGroupBackFromARotationStartedNowAndRotateItOnceUnfrozen() throws Exception {
        List<String> images = LocalFleet.images(2);
        LocalFleet.template(GROUP, "web", images.get(0));
        LocalFleet.group(GROUP, GROUP, 1, Map.of("kiln:role", "web", "kiln:rotate", "nightly"));
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", images.get(1))) {
            // the group runs the old image: status says so
            assertThat(group(KilnCli.run("--output", "json", "status", "--role", "web")).path("onCurrent").asBoolean()).isFalse();

            // frozen for two hours: the tag as rotate-plan reads it, and the preview skips it
            KilnCli.Run freeze = KilnCli.run("--output", "json", "freeze", GROUP, "--until", "2h");
            assertThat(freeze.exitCode()).as(freeze.err()).isZero();
            String until = freeze.json().path("frozen").asText();
            assertThat(Instant.parse(until)).isBetween(Instant.now().plus(Duration.ofMinutes(110)), Instant.now().plus(Duration.ofHours(2)));
            assertThat(freezeTag()).isEqualTo(until);
            KilnCli.Run preview = KilnCli.run("rotate", "--group", GROUP);
            assertThat(preview.exitCode()).as(preview.err()).isZero();
            assertThat(preview.out()).containsPattern(GROUP + " +web +would skip +behind the current image; frozen by its kiln:freeze tag until " + Instant.parse(until))
                    .contains("Nothing was started.");

            // a rotation now leaves it alone
            KilnCli.Run held = KilnCli.run("--output", "json", "rotate", "--group", GROUP, "--now", "--reason", "cli-it frozen");
            assertThat(held.exitCode()).as(held.err()).isZero();
            assertThat(held.json().path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(held.json().at("/output/counts/skipped").asInt()).isEqualTo(1);
            assertThat(LocalFleet.groupImages(GROUP).values()).containsOnly(images.get(0));

            // unfrozen, the next rotation now replaces its instance, followed to the end
            KilnCli.Run unfreeze = KilnCli.run("unfreeze", GROUP);
            assertThat(unfreeze.exitCode()).as(unfreeze.err()).isZero();
            assertThat(unfreeze.out()).contains("kiln: unfroze " + GROUP + " (kiln:freeze was " + until + ")");
            assertThat(freezeTag()).isNull();
            KilnCli.Run rotated = KilnCli.run("rotate", "--group", GROUP, "--now", "--reason", "cli-it unfrozen");
            assertThat(rotated.exitCode()).as(rotated.out() + rotated.err()).isZero();
            assertThat(rotated.out()).contains("kiln: the rotation of " + GROUP + ": arn:aws:states:", "  Rotate",
                    "kiln: SUCCEEDED after ", "1 succeeded");
            assertThat(LocalFleet.groupImages(GROUP).values()).isNotEmpty().containsOnly(images.get(1));
            JsonNode after = group(KilnCli.run("--output", "json", "status", "--role", "web"));
            assertThat(after.path("onCurrent").asBoolean()).as(after.toString()).isTrue();
            assertThat(after.path("versionNumber").asInt()).isEqualTo(2);
        } finally {
            LocalFleet.deleteGroup(GROUP);
        }
    }

    @Test
    void shouldListTheImagesAsImageRetentionSeesThemWithoutRemovingAnything() throws Exception {
        String baked = LocalFleet.bakedImage("web", "cli-it");
        LocalFleet.template("cli-it-images", "web", baked);

        KilnCli.Run images = KilnCli.run("--output", "json", "images");

        assertThat(images.exitCode()).as(images.err()).isZero();
        InvokeResponse dryRun = LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput("RetentionFunctionName"))
                .payload(SdkBytes.fromUtf8String("{\"dryRun\": true, \"mail\": false}")));
        JsonNode report = JSON.readTree(dryRun.payload().asUtf8String());
        List<String> decided = new ArrayList<>();
        report.path("decisions").forEach(d -> decided.add(d.path("imageId").asText() + " " + d.path("action").asText()));
        assertThat(images.json().path("images")).extracting(i -> i.path("imageId").asText() + " " + i.path("retention").asText())
                .containsExactlyElementsOf(decided);
        for (JsonNode image : images.json().path("images")) {
            Map<String, AttributeValue> current = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName"))
                    .key(Map.of("bakeKey", AttributeValue.fromS("current#" + image.path("role").asText())))).item();
            assertThat(image.path("current").asBoolean()).as(image.toString())
                    .isEqualTo(current != null && image.path("imageId").asText().equals(current.getOrDefault("imageId",
                            AttributeValue.fromS("")).s()));
        }
        assertThat(images.json().path("images")).filteredOn(i -> i.path("imageId").asText().equals(baked)).singleElement()
                .satisfies(i -> assertThat(i.path("usedBy").asText()).isEqualTo("launch template cli-it-images version 1"));
        KilnCli.Run table = KilnCli.run("images", "web");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("ROLE ").containsPattern("\\nweb +" + baked + " .*launch template cli-it-images version 1 +kept");
        EC2.deleteLaunchTemplate(r -> r.launchTemplateName("cli-it-images"));
        EC2.deregisterImage(r -> r.imageId(baked));
    }

    /** The group's entry in a status answer. */
    private static JsonNode group(KilnCli.Run status) {
        assertThat(status.exitCode()).as(status.err()).isZero();
        for (JsonNode group : status.json().path("groups")) {
            if (group.path("group").asText().equals(GROUP)) {
                return group;
            }
        }
        throw new AssertionError(GROUP + " is not in " + status.out());
    }

    private static String freezeTag() {
        return ASG.describeTags(r -> r.filters(f -> f.name("auto-scaling-group").values(GROUP), f -> f.name("key").values("kiln:freeze")))
                .tags().stream().map(t -> t.value()).findFirst().orElse(null);
    }

    private static JsonNode release(String role) throws Exception {
        try {
            return JSON.readTree(SSM.getParameter(r -> r.name("/kiln/releases/" + role)).parameter().value());
        } catch (ParameterNotFoundException none) {
            return null;
        }
    }
}
