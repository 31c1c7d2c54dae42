package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * rotate in the local cloud. Auto Scaling is not there, so its answers are the test cases' mocked
 * responses (statemachines/test/mock-config.json: the opt-in tags over two pages, each group's
 * description, its refreshes, the started refresh and how it ends). Everything else is real: the
 * tag pages stored in S3, rotate-plan reading them and the role's current image, the distributed Map
 * reading the groups from S3, rotate-group resolving and pinning launch templates and looking at the
 * groups' instances in EC2, the outcomes in the Rotations table, rotate-report, the event and the
 * notification. The mocked groups name their launch templates, which this test makes in EC2.
 */
class RotateIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofMinutes(4);
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());

    /**
     * The synthetic fleet, as large as the issue asks. The groups carry no tags, so each child of the distributed Map
     * records "skipped": what this measures is the Map, the payloads between states, the outcomes and the report.
     */
    private static final int GROUPS = 2000;

    private static final List<String> TEMPLATES = List.of("rotate-it-a", "rotate-it-m", "rotate-it-s", "rotate-it-t", "rotate-it-current");

    private static Map<String, AttributeValue> before;
    private static String oldImage;
    private static String currentImage;
    private static Mailbox mailbox;
    private static KilnEvents finished;

    @BeforeAll
    static void fleet() throws Exception {
        mailbox = new Mailbox();
        finished = new KilnEvents("{\"source\": [\"kiln.rotation\"], \"detail-type\": [\"Rotation Finished\"]}");
        List<String> images = LocalFleet.images(2);
        oldImage = images.get(0);
        currentImage = images.get(1);
        before = DYNAMO.getItem(r -> r.tableName(bakes()).key(currentKey())).item();
        DYNAMO.putItem(r -> r.tableName(bakes()).item(Map.of("bakeKey", AttributeValue.fromS("current#web"),
                "imageId", AttributeValue.fromS(currentImage), "sha", AttributeValue.fromS("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"),
                "pushedAt", AttributeValue.fromS("2026-11-22T08:56:40Z"))));
        for (String name : TEMPLATES) {
            LocalFleet.template(name, "web", name.equals("rotate-it-current") ? currentImage : oldImage);
        }
        // rotate-it-s-current's only instance runs the current image and is young; rotate-it-a-*'s run the old one
        LocalFleet.instances("rotate-it-s-current", currentImage, 1);
        LocalFleet.instances("rotate-it-a-1", oldImage, 2);
        LocalFleet.instances("rotate-it-a-2", oldImage, 1);
        for (String group : List.of("rotate-it-t-2", "rotate-it-t-3", "rotate-it-t-4")) {
            LocalFleet.instances(group, oldImage, 1);
        }
    }

    @AfterAll
    static void restore() {
        if (before == null || before.isEmpty()) {
            DYNAMO.deleteItem(r -> r.tableName(bakes()).key(currentKey()));
        } else {
            DYNAMO.putItem(r -> r.tableName(bakes()).item(before));
        }
        finished.close();
        mailbox.close();
    }

    @Test
    void shouldPinTheCurrentImageFirstAndRefreshEachGroupToThatNumberedVersion() throws Exception {
        Run run = rotate("AllSucceed", "{\"asgs\": [\"rotate-it-a-2\", \"rotate-it-a-1\"], \"reason\": \"it\"}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LaunchTemplateVersion> versions = EC2.describeLaunchTemplateVersions(r -> r.launchTemplateName("rotate-it-a"))
                .launchTemplateVersions();
        assertThat(versions).hasSize(2);
        LaunchTemplateVersion pinned = versions.stream().filter(v -> v.versionNumber() == 2).findFirst().orElseThrow();
        assertThat(pinned.launchTemplateData().imageId()).isEqualTo(currentImage);
        assertThat(pinned.versionDescription()).isEqualTo("Kiln rotate: web on " + currentImage);
        String templateId = pinned.launchTemplateId();
        assertThat(run.starts()).containsExactly(request("rotate-it-a-1", templateId), request("rotate-it-a-2", templateId));
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-a-1", "succeeded"), Map.entry("rotate-it-a-2", "succeeded"));

        JsonNode event = finished.await("the end of " + run.name(), e -> e.at("/detail/rotation").asText().equals(run.name()));
        assertThat(event.at("/detail/counts/succeeded").asInt()).isEqualTo(2);
        assertThat(event.at("/detail/instancesReplaced").asInt()).isEqualTo(3);
        assertThat(event.at("/detail/report").asText()).startsWith("s3://").endsWith("rotations/" + run.name() + "/report.json");
        JsonNode told = mailbox.await("the summary of " + run.name(), END,
                n -> n.get("Message").asText().contains(run.name()));
        assertThat(told.get("Subject").asText()).isEqualTo("Kiln rotation: 2 succeeded");
    }

    @Test
    void shouldRecordEachGroupsOwnEndAndLetNoGroupStopTheOthers() throws Exception {
        Run run = rotate("MixedOutcomes", "{\"roles\": [\"web\"], \"asgs\": [\"rotate-it-m-1\", \"rotate-it-m-2\","
                + " \"rotate-it-m-3\", \"rotate-it-m-4\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.starts()).extracting(s -> s.get("AutoScalingGroupName").asText())
                .containsExactly("rotate-it-m-1", "rotate-it-m-2", "rotate-it-m-3", "rotate-it-m-4");
        assertThat(run.starts()).extracting(s -> s.at("/DesiredConfiguration/LaunchTemplate/Version").asText()).containsOnly("2");
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-m-1", "succeeded"), Map.entry("rotate-it-m-2", "rolledBack"),
                Map.entry("rotate-it-m-3", "failed"), Map.entry("rotate-it-m-4", "succeeded"));
        assertThat(EC2.describeLaunchTemplateVersions(r -> r.launchTemplateName("rotate-it-m")).launchTemplateVersions())
                .as("one new version, reused by every group of the template").hasSize(2);

        JsonNode event = finished.await("the end of " + run.name(), e -> e.at("/detail/rotation").asText().equals(run.name()));
        assertThat(event.at("/detail/counts").toString()).contains("\"succeeded\":2", "\"rolledBack\":1", "\"failed\":1");
        assertThat(event.at("/detail/outcomes/0/asg").asText()).as("the failure first").isEqualTo("rotate-it-m-3");
        JsonNode told = mailbox.await("the summary of " + run.name(), END, n -> n.get("Message").asText().contains(run.name()));
        assertThat(told.get("Subject").asText()).isEqualTo("Kiln rotation: 2 succeeded, 1 rolled back, 1 failed");
        assertThat(told.get("Message").asText()).contains("rotate-it-m-2", "web-5xx-high", "rotate-it-m-3", "no free addresses");
    }

    @Test
    void shouldSkipFrozenRefreshingAndCurrentGroupsWithTheirReasonsAndStartNothing() throws Exception {
        Run run = rotate("Skips", "{\"asgs\": [\"rotate-it-s-busy\", \"rotate-it-s-current\", \"rotate-it-s-frozen\","
                + " \"rotate-it-untagged-role\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.starts()).isEmpty();
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-s-busy", "skipped"), Map.entry("rotate-it-s-current", "skipped"),
                Map.entry("rotate-it-s-frozen", "skipped"), Map.entry("rotate-it-untagged-role", "skipped"));
        Map<String, String> reasons = run.reasons();
        assertThat(reasons.get("rotate-it-s-busy")).isEqualTo("instance refresh 4f1e8e4a-63f3-4b9c-9d0e-2a7b5c1d0e9f is already InProgress");
        assertThat(reasons.get("rotate-it-s-current")).startsWith("already current: every instance runs " + currentImage);
        assertThat(reasons.get("rotate-it-s-frozen")).isEqualTo("frozen by its kiln:freeze tag");
        assertThat(reasons.get("rotate-it-untagged-role")).isEqualTo("not tagged kiln:rotate=nightly");
        assertThat(EC2.describeLaunchTemplateVersions(r -> r.launchTemplateName("rotate-it-current")).launchTemplateVersions())
                .as("a current group gets no new version").hasSize(1);
        assertThat(run.states()).as("the second page of tags was read").contains("DiscoverMore");
    }

    @Test
    void shouldOutlastThrottlingAndRecordEachGroupThatAutoScalingFailsOrThatOutlastsTheDeadline() throws Exception {
        // t-1: Auto Scaling refuses to describe it with an error that is not throttling (not retried); t-2: described
        // after two throttled tries, then a refresh started meanwhile; t-3: its first three polls are throttled (missed
        // asks, not a failure), the fourth sees it succeed; t-4: its refresh is still in progress at the local config's
        // one-minute deadline
        Run run = rotate("Troubles", "{\"asgs\": [\"rotate-it-t-1\", \"rotate-it-t-2\", \"rotate-it-t-3\", \"rotate-it-t-4\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-t-1", "failed"), Map.entry("rotate-it-t-2", "skipped"),
                Map.entry("rotate-it-t-3", "succeeded"), Map.entry("rotate-it-t-4", "timedOut"));
        Map<String, String> reasons = run.reasons();
        assertThat(reasons.get("rotate-it-t-1")).isEqualTo("AutoScaling.InvalidNextTokenException: The token is invalid. (Service: AutoScaling, Status Code: 400)");
        assertThat(reasons.get("rotate-it-t-2")).isEqualTo("another instance refresh started meanwhile (Auto Scaling refused a second one)");
        assertThat(reasons.get("rotate-it-t-3")).isEqualTo("every instance replaced");
        assertThat(reasons.get("rotate-it-t-4")).isEqualTo("still refreshing at the deadline; the refresh was left running");
        assertThat(run.recorded().get("rotate-it-t-3").get("refreshId").asText()).isEqualTo("c2a8e5f1-7b3d-4a9c-8e61-0d4f9b2a7c35");
        assertThat(run.recorded().get("rotate-it-t-4").at("/refresh/Status").asText()).isEqualTo("InProgress");
        assertThat(run.starts()).extracting(s -> s.get("AutoScalingGroupName").asText()).containsExactly("rotate-it-t-3", "rotate-it-t-4");

        JsonNode event = finished.await("the end of " + run.name(), e -> e.at("/detail/rotation").asText().equals(run.name()));
        assertThat(event.at("/detail/counts").toString()).contains("\"succeeded\":1", "\"failed\":1", "\"timedOut\":1", "\"skipped\":1");
        JsonNode told = mailbox.await("the summary of " + run.name(), END, n -> n.get("Message").asText().contains(run.name()));
        assertThat(told.get("Subject").asText()).isEqualTo("Kiln rotation: 1 succeeded, 1 failed, 1 timed out, 1 skipped");
        // some groups were replaced, some not
        assertThat(event.at("/detail/status").asText()).isEqualTo("PARTIAL");
        assertThat(told.at("/MessageAttributes/status/Value").asText()).isEqualTo("PARTIAL");
    }

    @Test
    void shouldRotateTwoThousandGroupsThroughTheDistributedMapWithinStepFunctionsLimits() throws Exception {
        ArrayNode asgs = JSON.createArrayNode();
        for (int i = 0; i < GROUPS; i++) {
            asgs.add(String.format("rotate-it-fleet-%04d-web-production", i));
        }
        ObjectNode input = JSON.createObjectNode().put("reason", "a large synthetic fleet");
        input.set("asgs", asgs);

        Run run = rotate("LargeFleet", input.toString(), Duration.ofMinutes(20));

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.outcomes()).hasSize(GROUPS);
        int largest = run.history().stream().mapToInt(RotateIT::payloadBytes).max().orElse(0);
        long parentEvents = run.history().stream().filter(e -> e.type() != null && !e.type().toString().startsWith("MAP_ITERATION")).count();
        JsonNode event = finished.await("the end of " + run.name(), e -> e.at("/detail/rotation").asText().equals(run.name()));
        int detailBytes = event.get("detail").toString().getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("rotate, %,d groups: input %,d bytes; largest state input/output %,d bytes (limit 262,144);"
                        + " %,d events in the rotation's own history (each group is a child execution with its own,"
                        + " limit 25,000 each); Rotation Finished detail %,d bytes (limit 262,144)%n",
                GROUPS, input.toString().length(), largest, parentEvents, detailBytes);
        assertThat(largest).isLessThan(256 * 1024);
        assertThat(detailBytes).isLessThan(256 * 1024);
        assertThat(event.at("/detail/truncated").asBoolean()).isTrue();
        assertThat(event.at("/detail/counts/skipped").asInt()).isEqualTo(GROUPS);
    }

    private record Run(String name, DescribeExecutionResponse described, List<HistoryEvent> history,
                       Map<String, JsonNode> recorded, List<String> states) {

        /**
         * The StartInstanceRefresh requests, by group name: each group's Start state sends its prepared request
         * and its outcome records it (LocalStack keeps no history of a distributed Map's children).
         */
        List<JsonNode> starts() {
            return recorded.keySet().stream().sorted().map(recorded::get).filter(o -> o.has("request")).map(o -> o.get("request"))
                    .toList();
        }

        Map<String, String> outcomes() {
            return recorded.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get("outcome").asText()));
        }

        Map<String, String> reasons() {
            return recorded.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().path("reason").asText()));
        }
    }

    private static Run rotate(String testCase, String input) throws Exception {
        return rotate(testCase, input, END);
    }

    private static Run rotate(String testCase, String input, Duration deadline) throws Exception {
        String name = "it-" + testCase + "-" + UUID.randomUUID().toString().substring(0, 8);
        String arn = SFN.startExecution(r -> r.stateMachineArn(LocalCloud.stackOutput("RotateStateMachineArn") + "#" + testCase)
                .name(name).input(input)).executionArn();
        DescribeExecutionResponse ended = LocalCloud.await(name + " to end", deadline, () -> Optional.of(
                SFN.describeExecution(r -> r.executionArn(arn))).filter(e -> e.status() != ExecutionStatus.RUNNING));
        List<HistoryEvent> history = SFN.getExecutionHistoryPaginator(r -> r.executionArn(arn).maxResults(1000))
                .events().stream().toList();
        List<String> states = history.stream().filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name()).toList();
        Map<String, JsonNode> recorded = new HashMap<>();
        DYNAMO.queryPaginator(r -> r.tableName(LocalCloud.stackOutput("RotationsTableName"))
                        .keyConditionExpression("rotation = :r").expressionAttributeValues(Map.of(":r", AttributeValue.fromS(name))))
                .items().forEach(item -> recorded.put(item.get("asg").s(), read(item.get("outcome").s())));
        return new Run(name, ended, history, recorded, states);
    }

    /** The StartInstanceRefresh request rotate-group builds from examples/kiln.json's rotation settings. */
    private static JsonNode request(String asg, String templateId) throws Exception {
        return JSON.readTree("""
                {"AutoScalingGroupName": "%s", "Strategy": "Rolling",
                 "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "%s", "Version": "2"}},
                 "Preferences": {"MinHealthyPercentage": 90, "InstanceWarmup": 300, "SkipMatching": false,
                                 "AutoRollback": true, "AlarmSpecification": {"Alarms": ["web-5xx-high"]}}}
                """.formatted(asg, templateId));
    }

    private static int payloadBytes(HistoryEvent event) {
        List<String> payloads = new ArrayList<>();
        if (event.stateEnteredEventDetails() != null) {
            payloads.add(event.stateEnteredEventDetails().input());
        }
        if (event.stateExitedEventDetails() != null) {
            payloads.add(event.stateExitedEventDetails().output());
        }
        if (event.taskSucceededEventDetails() != null) {
            payloads.add(event.taskSucceededEventDetails().output());
        }
        return payloads.stream().filter(p -> p != null).mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static String bakes() {
        return LocalCloud.stackOutput("BakesTableName");
    }

    private static Map<String, AttributeValue> currentKey() {
        return Map.of("bakeKey", AttributeValue.fromS("current#web"));
    }
}
