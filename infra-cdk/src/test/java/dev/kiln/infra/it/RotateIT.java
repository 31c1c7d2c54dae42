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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * rotate in the local cloud, against its Auto Scaling: real groups (tagged kiln:rotate, kiln:role, kiln:freeze),
 * real instance refreshes that replace their instances in batches, and the faults of the local cloud where AWS would
 * refuse or fail (EC2 without capacity for a launch template version, Auto Scaling throttling its callers, a refresh
 * started by someone else meanwhile). Nothing is mocked: the tag pages stored in S3, rotate-plan, the distributed Map,
 * rotate-group pinning launch templates, the refreshes, the outcomes in the Rotations table, rotate-report, the event
 * and the notification.
 */
class RotateIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofMinutes(6);
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());

    /**
     * The synthetic fleet, as large as the issue asks. The groups do not exist, so each child of the distributed Map
     * records "skipped": what this measures is the Map, the payloads between states, the outcomes and the report.
     */
    private static final int GROUPS = 2000;

    /** Frozen groups of no instances whose 120 tags make the opt-in tags two pages (DescribeTags answers 100 at most). */
    private static final int PAGE_GROUPS = 60;

    private static LocalFleet.CurrentImage current;
    private static String oldImage;
    private static String currentImage;
    private static Mailbox mailbox;
    private static KilnEvents finished;
    private final List<String> groups = new ArrayList<>();

    @BeforeAll
    static void fleet() throws Exception {
        mailbox = new Mailbox();
        finished = new KilnEvents("{\"source\": [\"kiln.rotation\"], \"detail-type\": [\"Rotation Finished\"]}");
        List<String> images = LocalFleet.images(2);
        oldImage = images.get(0);
        currentImage = images.get(1);
        current = LocalFleet.current("web", currentImage);
        LocalFleet.template("rotate-it-page", "web", oldImage);
        for (int i = 0; i < PAGE_GROUPS; i++) {
            LocalFleet.group(pageGroup(i), "rotate-it-page", 0, Map.of("kiln:role", "web", "kiln:freeze", "rotate-it"));
        }
    }

    @AfterEach
    void deleteGroups() {
        groups.forEach(LocalFleet::deleteGroup);
    }

    @AfterAll
    static void restore() {
        for (int i = 0; i < PAGE_GROUPS; i++) {
            LocalFleet.deleteGroup(pageGroup(i));
        }
        current.close();
        finished.close();
        mailbox.close();
    }

    @Test
    void shouldPinTheCurrentImageFirstAndRefreshEachGroupToThatNumberedVersion() throws Exception {
        LocalFleet.template("rotate-it-a", "web", oldImage);
        optedIn("rotate-it-a-1", "rotate-it-a", 2);
        optedIn("rotate-it-a-2", "rotate-it-a", 1);
        Set<String> oldInstances = new HashSet<>(LocalFleet.groupImages("rotate-it-a-1").keySet());
        oldInstances.addAll(LocalFleet.groupImages("rotate-it-a-2").keySet());

        Run run = rotate("all-succeed", "{\"asgs\": [\"rotate-it-a-2\", \"rotate-it-a-1\"], \"reason\": \"it\"}");

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
        for (String group : List.of("rotate-it-a-1", "rotate-it-a-2")) {
            Map<String, String> now = LocalFleet.groupImages(group);
            assertThat(now.values()).as(group + "'s instances").isNotEmpty().containsOnly(currentImage);
            assertThat(now.keySet()).as("every instance of " + group + " was replaced").doesNotContainAnyElementsOf(oldInstances);
            assertThat(launchTemplateVersion(group)).as("the refresh made the pinned version " + group + "'s own").isEqualTo("2");
            assertThat(run.recorded().get(group).at("/refresh/Status").asText()).isEqualTo("Successful");
        }
        assertThat(LocalFleet.groupImages("rotate-it-a-1")).hasSize(2);

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
        LocalFleet.template("rotate-it-m", "web", oldImage);
        String rollsBack = LocalFleet.template("rotate-it-m-rollback", "web", oldImage);
        String failing = LocalFleet.template("rotate-it-m-failing", "web", oldImage);
        optedIn("rotate-it-m-1", "rotate-it-m", 1);
        optedIn("rotate-it-m-2", "rotate-it-m-rollback", 1);
        optedIn("rotate-it-m-3", "rotate-it-m-failing", 1);
        optedIn("rotate-it-m-4", "rotate-it-m", 1);
        Map<String, String> m2 = LocalFleet.groupImages("rotate-it-m-2");
        // EC2 has no capacity for m-2's new version (its refresh fails and rolls back to version 1), and none for
        // m-3 at all from now on (its refresh fails, and so does the rollback that would relaunch what it let go)
        LocalCloud.fault(Map.of("aws:ec2launchtemplate:id", rollsBack, "aws:ec2launchtemplate:version", "2"), "no-capacity");
        LocalCloud.fault("aws:ec2launchtemplate:id", failing, "no-capacity");

        Run run = rotate("mixed-outcomes", "{\"roles\": [\"web\"], \"asgs\": [\"rotate-it-m-1\", \"rotate-it-m-2\","
                + " \"rotate-it-m-3\", \"rotate-it-m-4\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.starts()).extracting(s -> s.get("AutoScalingGroupName").asText())
                .containsExactly("rotate-it-m-1", "rotate-it-m-2", "rotate-it-m-3", "rotate-it-m-4");
        assertThat(run.starts()).extracting(s -> s.at("/DesiredConfiguration/LaunchTemplate/Version").asText()).containsOnly("2");
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-m-1", "succeeded"), Map.entry("rotate-it-m-2", "rolledBack"),
                Map.entry("rotate-it-m-3", "failed"), Map.entry("rotate-it-m-4", "succeeded"));
        assertThat(run.recorded().get("rotate-it-m-2").at("/refresh/Status").asText()).isEqualTo("RollbackSuccessful");
        assertThat(run.recorded().get("rotate-it-m-3").at("/refresh/Status").asText()).isEqualTo("RollbackFailed");
        assertThat(LocalFleet.groupImages("rotate-it-m-2").values()).as("m-2 is back on the old image").containsExactly(oldImage);
        assertThat(LocalFleet.groupImages("rotate-it-m-2").keySet()).as("in a new instance").doesNotContainAnyElementsOf(m2.keySet());
        assertThat(launchTemplateVersion("rotate-it-m-2")).as("m-2 keeps its version").isEqualTo("1");
        assertThat(LocalFleet.groupImages("rotate-it-m-3")).as("m-3 could not relaunch the instance it let go").isEmpty();
        assertThat(EC2.describeLaunchTemplateVersions(r -> r.launchTemplateName("rotate-it-m")).launchTemplateVersions())
                .as("one new version, reused by every group of the template").hasSize(2);

        JsonNode event = finished.await("the end of " + run.name(), e -> e.at("/detail/rotation").asText().equals(run.name()));
        assertThat(event.at("/detail/counts").toString()).contains("\"succeeded\":2", "\"rolledBack\":1", "\"failed\":1");
        assertThat(event.at("/detail/outcomes/0/asg").asText()).as("the failure first").isEqualTo("rotate-it-m-3");
        JsonNode told = mailbox.await("the summary of " + run.name(), END, n -> n.get("Message").asText().contains(run.name()));
        assertThat(told.get("Subject").asText()).isEqualTo("Kiln rotation: 2 succeeded, 1 rolled back, 1 failed");
        assertThat(told.get("Message").asText()).contains("rotate-it-m-2", "rotate-it-m-3", "InsufficientInstanceCapacity");
    }

    @Test
    void shouldSkipFrozenRefreshingAndCurrentGroupsWithTheirReasonsAndStartNothing() throws Exception {
        LocalFleet.template("rotate-it-s", "web", oldImage);
        LocalFleet.template("rotate-it-current", "web", currentImage);
        optedIn("rotate-it-s-busy", "rotate-it-s", 1);
        LocalFleet.holdLaunches("rotate-it-s-busy");
        String busy = ASG.startInstanceRefresh(r -> r.autoScalingGroupName("rotate-it-s-busy")).instanceRefreshId();
        optedIn("rotate-it-s-current", "rotate-it-current", 1);
        optedIn("rotate-it-s-frozen", "rotate-it-s", 1, "kiln:freeze", "true");
        optedIn("rotate-it-s-suspended", "rotate-it-s", 1);
        ASG.suspendProcesses(r -> r.autoScalingGroupName("rotate-it-s-suspended").scalingProcesses("Launch"));
        groups.add("rotate-it-untagged-role");
        LocalFleet.group("rotate-it-untagged-role", "rotate-it-s", 0, Map.of("kiln:rotate", "off"));

        Run run = rotate("skips", "{\"asgs\": [\"rotate-it-s-busy\", \"rotate-it-s-current\", \"rotate-it-s-frozen\","
                + " \"rotate-it-s-suspended\", \"rotate-it-untagged-role\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.starts()).isEmpty();
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-s-busy", "skipped"), Map.entry("rotate-it-s-current", "skipped"),
                Map.entry("rotate-it-s-frozen", "skipped"), Map.entry("rotate-it-s-suspended", "skipped"),
                Map.entry("rotate-it-untagged-role", "skipped"));
        Map<String, String> reasons = run.reasons();
        assertThat(reasons.get("rotate-it-s-busy")).isEqualTo("instance refresh " + busy + " is already InProgress");
        assertThat(reasons.get("rotate-it-s-current")).startsWith("already current: every instance runs " + currentImage);
        assertThat(reasons.get("rotate-it-s-frozen")).isEqualTo("frozen by its kiln:freeze tag");
        assertThat(reasons.get("rotate-it-untagged-role")).isEqualTo("not tagged kiln:rotate=nightly");
        assertThat(reasons.get("rotate-it-s-suspended")).matches("its Launch process is suspended \\(User suspended at"
                + " \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\), so a refresh would replace no instance; it is rotated once"
                + " the process is resumed");
        assertThat(ASG.describeInstanceRefreshes(r -> r.autoScalingGroupName("rotate-it-s-suspended")).instanceRefreshes())
                .as("a suspended group is not refreshed").isEmpty();
        assertThat(EC2.describeLaunchTemplateVersions(r -> r.launchTemplateName("rotate-it-current")).launchTemplateVersions())
                .as("a current group gets no new version").hasSize(1);
        assertThat(ASG.describeInstanceRefreshes(r -> r.autoScalingGroupName("rotate-it-s-busy")).instanceRefreshes())
                .as("only the refresh that was already running").extracting(r -> r.instanceRefreshId()).containsExactly(busy);
        assertThat(run.states()).as("the second page of tags was read").contains("DiscoverMore");
    }

    @Test
    void shouldOutlastThrottlingAndRecordEachGroupThatAutoScalingFailsOrThatOutlastsTheDeadline() throws Exception {
        // t-1: Auto Scaling refuses to describe it with an error that is not throttling (not retried); t-2: described
        // after two throttled tries, then a refresh started meanwhile; t-3: three of its polls are throttled (missed
        // asks, not a failure), a later one sees it succeed; t-4: its new instance waits on a launch hook that nobody
        // completes, so its refresh is still in progress at the local config's one-minute deadline
        LocalFleet.template("rotate-it-t", "web", oldImage);
        optedIn("rotate-it-t-1", "rotate-it-t", 1, "local-cloud:fault", "DescribeAutoScalingGroups:InvalidNextToken");
        optedIn("rotate-it-t-2", "rotate-it-t", 1, "local-cloud:fault",
                "DescribeAutoScalingGroups:Throttling*2,StartInstanceRefresh:InstanceRefreshInProgress");
        optedIn("rotate-it-t-3", "rotate-it-t", 1, "local-cloud:fault", "DescribeInstanceRefreshes:Throttling*3+1");
        optedIn("rotate-it-t-4", "rotate-it-t", 1);
        LocalFleet.holdLaunches("rotate-it-t-4");

        Run run = rotate("troubles", "{\"asgs\": [\"rotate-it-t-1\", \"rotate-it-t-2\", \"rotate-it-t-3\", \"rotate-it-t-4\"]}");

        assertThat(run.described().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.outcomes()).containsOnly(Map.entry("rotate-it-t-1", "failed"), Map.entry("rotate-it-t-2", "skipped"),
                Map.entry("rotate-it-t-3", "succeeded"), Map.entry("rotate-it-t-4", "timedOut"));
        Map<String, String> reasons = run.reasons();
        assertThat(reasons.get("rotate-it-t-1")).startsWith("AutoScaling.InvalidNextTokenException: The token is invalid."
                + " (Service: AutoScaling, Status Code: 400");
        assertThat(reasons.get("rotate-it-t-2")).isEqualTo("another instance refresh started meanwhile (Auto Scaling refused a second one)");
        assertThat(reasons.get("rotate-it-t-3")).isEqualTo("every instance replaced");
        assertThat(reasons.get("rotate-it-t-4")).isEqualTo("still refreshing at the deadline; the refresh was left running");
        assertThat(run.recorded().get("rotate-it-t-3").get("refreshId").asText()).isEqualTo(newestRefresh("rotate-it-t-3"));
        assertThat(run.recorded().get("rotate-it-t-4").at("/refresh/Status").asText()).isEqualTo("InProgress");
        assertThat(ASG.describeInstanceRefreshes(r -> r.autoScalingGroupName("rotate-it-t-4")).instanceRefreshes().get(0)
                .statusAsString()).as("left running").isEqualTo("InProgress");
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

        Run run = rotate("large-fleet", input.toString(), Duration.ofMinutes(20));

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

    /** A group of the template's version 1 tagged kiln:role=web and kiln:rotate=nightly (and these tags), removed after the test. */
    private void optedIn(String name, String template, int size, String... tags) {
        Map<String, String> all = new HashMap<>(Map.of("kiln:role", "web", "kiln:rotate", "nightly"));
        for (int i = 0; i < tags.length; i += 2) {
            all.put(tags[i], tags[i + 1]);
        }
        groups.add(name);
        LocalFleet.group(name, template, size, all);
    }

    private static String pageGroup(int i) {
        return String.format("rotate-it-page-%02d", i);
    }

    private static String launchTemplateVersion(String group) {
        return ASG.describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0).launchTemplate().version();
    }

    private static String newestRefresh(String group) {
        return ASG.describeInstanceRefreshes(r -> r.autoScalingGroupName(group)).instanceRefreshes().get(0).instanceRefreshId();
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

    private static Run rotate(String label, String input) throws Exception {
        return rotate(label, input, END);
    }

    private static Run rotate(String label, String input, Duration deadline) throws Exception {
        String name = "it-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        String arn = SFN.startExecution(r -> r.stateMachineArn(LocalCloud.stackOutput("RotateStateMachineArn"))
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

    /** The StartInstanceRefresh request rotate-group builds from the local config's rotation settings. */
    private static JsonNode request(String asg, String templateId) throws Exception {
        return JSON.readTree("""
                {"AutoScalingGroupName": "%s", "Strategy": "Rolling",
                 "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "%s", "Version": "2"}},
                 "Preferences": {"MinHealthyPercentage": 90, "InstanceWarmup": 5, "SkipMatching": false,
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
}
