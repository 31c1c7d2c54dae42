package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Samples;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * What follows bakes in the local cloud: child roles re-baked after their parent's image is
 * published, the reaper, and image retention. The deployed functions run for real.
 */
class BakeFollowUpsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final EventBridgeClient EVENTS = LocalCloud.client(EventBridgeClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());

    private static Mailbox mailbox;
    private static LocalGitHub github;

    @BeforeAll
    static void listen() throws IOException {
        mailbox = new Mailbox();
        // serves no commit: the child bakes fetch nothing and end at their first step
        github = new LocalGitHub();
    }

    @AfterAll
    static void stopListening() {
        mailbox.close();
        github.close();
    }

    @Test
    void shouldReBakeTheChildRoleWhenItsParentsNewImageIsPublished() throws Exception {
        // given a published image of base, as bake reports it on Kiln's bus
        String imageId = "ami-" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.event("kiln.bake/image-baked.json"));
        ((ObjectNode) event.get("detail")).put("imageId", imageId);

        // when
        EVENTS.putEvents(r -> r.entries(e -> e.eventBusName(LocalCloud.stackOutput("EventBusName"))
                .source("kiln.bake").detailType("Image Baked").detail(event.get("detail").toString())));

        // then a bake of web starts on that parent image
        ExecutionListItem child = LocalCloud.await("a re-bake of web on " + imageId, Duration.ofSeconds(60), () ->
                SFN.listExecutions(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn")).maxResults(100))
                        .executions().stream().filter(e -> e.name().startsWith("web-") && e.name().endsWith("-on-" + imageId))
                        .findFirst());
        JsonNode input = JSON.readTree(SFN.describeExecution(r -> r.executionArn(child.executionArn())).input());
        assertThat(input.get("role").asText()).isEqualTo("web");
        assertThat(input.get("reason").asText()).isEqualTo("parent-image");
        assertThat(input.get("parentImageId").asText()).isEqualTo(imageId);

        // (GitHub here has not the sample's commit, so the bake ends at its first step; let it end cleanly)
        LocalCloud.await("the child bake to end", Duration.ofMinutes(1), () -> Optional.of(
                SFN.describeExecution(r -> r.executionArn(child.executionArn()))).filter(e -> !e.statusAsString().equals("RUNNING")));
    }

    @Test
    void shouldBakeEveryRoleOnAmazonLinuxFromScratchWhenARebuildIsRequested() throws Exception {
        // given base's published image is of a commit pushed a while ago
        String bakes = LocalCloud.stackOutput("BakesTableName");
        Map<String, AttributeValue> key = Map.of("bakeKey", AttributeValue.fromS("current#base"));
        Map<String, AttributeValue> before = DYNAMO.getItem(r -> r.tableName(bakes).key(key).consistentRead(true)).item();
        String sha = UUID.randomUUID().toString().replace("-", "") + "01234567";
        DYNAMO.putItem(r -> r.tableName(bakes).item(Map.of("bakeKey", key.get("bakeKey"), "sha", AttributeValue.fromS(sha),
                "pushedAt", AttributeValue.fromS("2026-11-01T00:00:00Z"), "imageId", AttributeValue.fromS("ami-0ba5eba5eba5eba50"))));
        try {
            // when the weekly schedule asks (as a person may)
            JsonNode event = JSON.readTree(Samples.event("kiln.rebuild/rebuild-requested.json"));
            EVENTS.putEvents(r -> r.entries(e -> e.eventBusName(LocalCloud.stackOutput("EventBusName"))
                    .source("kiln.rebuild").detailType("Rebuild Requested").detail(event.get("detail").toString())));

            // then base is baked again at that commit, forced; web follows only when base's new image is published
            ExecutionListItem rebuild = LocalCloud.await("a rebuild of base", Duration.ofSeconds(60), () ->
                    SFN.listExecutions(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn")).maxResults(100))
                            .executions().stream().filter(e -> e.name().startsWith("base-rebuild-") && e.name().endsWith(sha.substring(0, 12)))
                            .findFirst());
            assertThat(JSON.readTree(SFN.describeExecution(r -> r.executionArn(rebuild.executionArn())).input())).isEqualTo(JSON.readTree("""
                    {"role": "base", "reason": "rebuild", "source": {"sha": "%s", "pushedAt": "2026-11-01T00:00:00Z"}, "force": true}"""
                    .formatted(sha)));
            // (GitHub here has not that commit: the bake ends at its first step, reported like any bake's failure)
            LocalCloud.await("the rebuild to end", Duration.ofMinutes(1), () -> Optional.of(
                    SFN.describeExecution(r -> r.executionArn(rebuild.executionArn()))).filter(e -> !e.statusAsString().equals("RUNNING")));
        } finally {
            if (before == null || before.isEmpty()) {
                DYNAMO.deleteItem(r -> r.tableName(bakes).key(key));
            } else {
                DYNAMO.putItem(r -> r.tableName(bakes).item(before));
            }
        }
    }

    @Test
    void shouldTerminateExpiredAndOrphanedBuildersLeaveRunningBakesAloneAndSaySo() throws Exception {
        // given a builder kept for debugging whose time is up, one whose bake no longer exists,
        // and one still inside its debugging time
        String expired = builder(Map.of("kiln:expires-at", Instant.now().minusSeconds(60).toString()));
        String orphan = builder(Map.of("kiln:execution",
                "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:gone-" + UUID.randomUUID()));
        String kept = builder(Map.of("kiln:expires-at", Instant.now().plusSeconds(3600).toString()));

        // when
        JsonNode report = invoke("ReaperFunctionName", "{}");

        // then
        assertThat(state(expired)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(state(orphan)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(state(kept)).isEqualTo(InstanceStateName.RUNNING);
        assertThat(report.get("terminated").toString()).contains(expired).contains(orphan).doesNotContain(kept);
        JsonNode notice = mailbox.await("the reaper's report", Duration.ofSeconds(60),
                n -> n.get("Message").asText().contains(orphan));
        assertThat(notice.get("Subject").asText()).startsWith("Kiln reaper removed");
        assertThat(notice.get("Message").asText()).contains("Terminated builder " + expired + ": kept for debugging until");

        EC2.terminateInstances(r -> r.instanceIds(kept));
    }

    @Test
    void shouldRemoveOldUnusedImagesOfARoleButNeverOneStillInUse() throws Exception {
        // given nine images of web, the oldest first; the oldest is still used by a launch template
        // version, the second oldest by an instance and the third by a launch configuration
        List<String> images = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // image creation times have one-second resolution: each image gets a second of its own
            long previous = Instant.now().getEpochSecond();
            LocalCloud.await("the next second", Duration.ofSeconds(5),
                    () -> Optional.of(Instant.now()).filter(now -> now.getEpochSecond() > previous));
            images.add(LocalFleet.bakedImage("web", "retention-it"));
        }
        String template = EC2.createLaunchTemplate(r -> r.launchTemplateName("retention-it-" + UUID.randomUUID())
                .launchTemplateData(d -> d.imageId(images.get(0)))).launchTemplate().launchTemplateId();
        String instance = EC2.runInstances(r -> r.imageId(images.get(1)).instanceType("t4g.small").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        String configuration = "retention-it-" + UUID.randomUUID();
        ASG.createLaunchConfiguration(r -> r.launchConfigurationName(configuration).imageId(images.get(2)).instanceType("t4g.small"));

        // when retention runs as a dry run first
        JsonNode dryRun = invoke("RetentionFunctionName", "{\"dryRun\": true}");

        // then it removes nothing but says it would remove the fourth oldest
        assertThat(dryRun.get("dryRun").asBoolean()).isTrue();
        assertThat(available(images)).hasSize(9);
        assertThat(decision(dryRun, images.get(3))).isEqualTo("REMOVE");

        // when it runs for real
        JsonNode run = invoke("RetentionFunctionName", "{}");

        // then the five newest and the three in use stay, the fourth oldest is gone with its snapshot
        assertThat(decision(run, images.get(0))).isEqualTo("KEEP_IN_USE");
        assertThat(decision(run, images.get(1))).isEqualTo("KEEP_IN_USE");
        assertThat(decision(run, images.get(2))).isEqualTo("KEEP_IN_USE");
        assertThat(reason(run, images.get(2))).contains("launch configuration " + configuration);
        assertThat(available(images)).containsExactlyInAnyOrderElementsOf(
                images.stream().filter(id -> !id.equals(images.get(3))).toList());
        mailbox.await("retention's report", Duration.ofSeconds(60),
                n -> n.get("Subject").asText().startsWith("Kiln retention removed") && n.get("Message").asText().contains(images.get(3)));

        EC2.deleteLaunchTemplate(r -> r.launchTemplateId(template));
        EC2.terminateInstances(r -> r.instanceIds(instance));
        ASG.deleteLaunchConfiguration(r -> r.launchConfigurationName(configuration));
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static JsonNode invoke(String functionOutput, String payload) throws Exception {
        InvokeResponse response = LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput(functionOutput))
                .payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static String builder(Map<String, String> tags) {
        List<Tag> all = new java.util.ArrayList<>(List.of(Tag.builder().key("kiln:build-id").value("reaper-it-" + UUID.randomUUID()).build()));
        tags.forEach((k, v) -> all.add(Tag.builder().key(k).value(v).build()));
        return EC2.runInstances(r -> r.imageId("ami-0bb7267a511c0a8e8").instanceType("t4g.large").minCount(1).maxCount(1)
                        .tagSpecifications(t -> t.resourceType("instance").tags(all)))
                .instances().get(0).instanceId();
    }

    private static InstanceStateName state(String instanceId) {
        Instance instance = EC2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0);
        return instance.state().name();
    }


    private static List<String> available(List<String> imageIds) {
        return EC2.describeImages(r -> r.owners("self").filters(Filter.builder().name("state").values("available").build()))
                .images().stream().map(Image::imageId).filter(imageIds::contains).toList();
    }

    private static String decision(JsonNode report, String imageId) {
        return decided(report, imageId).path("action").asText("none");
    }

    private static String reason(JsonNode report, String imageId) {
        return decided(report, imageId).path("reason").asText("no decision");
    }

    private static JsonNode decided(JsonNode report, String imageId) {
        for (JsonNode decision : report.get("decisions")) {
            if (decision.get("imageId").asText().equals(imageId)) {
                return decision;
            }
        }
        return JSON.missingNode();
    }
}
