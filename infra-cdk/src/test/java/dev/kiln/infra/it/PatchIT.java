package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Samples;
import dev.kiln.infra.Synthesized;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * patch in the local cloud, with nothing mocked. Before each test the roles' published images are
 * written as bakes record them (the publish guard's current image, with a commit of the test's own, and
 * the image's inventory): base carries bash, web (built on base) carries bash and nginx. Everything else
 * is real: the rule that starts patch for an announced advisory, patch-plan, the bakes it starts (real
 * bakes on builder instances when the local GitHub API serves the role's commit; stopped at once when
 * it does not), a parent's bake re-baking its child, the follower check, the record, the notification,
 * the rule that starts rotate for the Rotation Requested it emits, and that rotation, which refreshes a
 * real group of the local Auto Scaling onto the patched image.
 */
class PatchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofMinutes(4);
    private static final Path FLEET = Synthesized.layout().root().resolve("examples/fleet");
    private static final String POINTER = "/kiln/images/base";
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final EventBridgeClient EVENTS = LocalCloud.client(EventBridgeClient.builder());

    // base's published image is one the local cloud has (web's bakes are built on it); web's is only recorded
    private static final String BASE_IMAGE = "ami-0bb7267a511c0a8e8";
    private static final String WEB_IMAGE = "ami-0" + hex(16);

    private static final Map<String, Map<String, AttributeValue>> before = new HashMap<>();
    private static Optional<String> pointerBefore;
    private static Mailbox mailbox;
    private static LocalGitHub github;
    private static KilnEvents rotations;
    private static KilnEvents finished;
    private String baseSha;
    private String webSha;

    @BeforeAll
    static void publishedImages() throws Exception {
        mailbox = new Mailbox();
        github = new LocalGitHub();
        rotations = new KilnEvents("{\"source\": [\"kiln.patch\"], \"detail-type\": [\"Rotation Requested\"]}");
        finished = new KilnEvents("{\"source\": [\"kiln.rotation\"], \"detail-type\": [\"Rotation Finished\"]}");
        // the roles' published images and open advisories as they were, put back when the tests end
        for (String role : List.of("base", "web")) {
            for (Map<String, AttributeValue> key : List.of(current(role), open(role))) {
                before.put(key.get("bakeKey").s(), DYNAMO.getItem(r -> r.tableName(bakes()).key(key)).item());
            }
        }
        pointerBefore = pointer();
        SSM.putParameter(r -> r.name(POINTER).type(ParameterType.STRING).overwrite(true).value(BASE_IMAGE));
        image(BASE_IMAGE, "base", "ami-0aaaaaaaaaaaaaaa1", Map.of("bash", "0:5.2.15-1.amzn2023.0.2.aarch64"), List.of("bash"));
        image(WEB_IMAGE, "web", BASE_IMAGE, Map.of("bash", "0:5.2.15-1.amzn2023.0.2.aarch64",
                "nginx", "1:1.24.0-1.amzn2023.0.2.aarch64"), List.of("bash", "nginx"));
        LocalFleet.template("patch-it-web", "web", LocalFleet.images(1).get(0));
    }

    /** The roles' published images, each on a commit of this test's own that GitHub does not have (yet). */
    @BeforeEach
    void published() {
        baseSha = SourceBundles.newSha();
        webSha = SourceBundles.newSha();
        current("base", BASE_IMAGE, baseSha);
        current("web", WEB_IMAGE, webSha);
    }

    @AfterAll
    static void restore() {
        before.forEach((key, item) -> {
            if (item == null || item.isEmpty()) {
                DYNAMO.deleteItem(r -> r.tableName(bakes()).key(Map.of("bakeKey", AttributeValue.fromS(key))));
            } else {
                DYNAMO.putItem(r -> r.tableName(bakes()).item(item));
            }
        });
        pointerBefore.ifPresentOrElse(
                value -> SSM.putParameter(r -> r.name(POINTER).type(ParameterType.STRING).overwrite(true).value(value)),
                () -> SSM.deleteParameter(r -> r.name(POINTER)));
        for (String image : List.of(BASE_IMAGE, WEB_IMAGE)) {
            DYNAMO.deleteItem(r -> r.tableName(LocalCloud.stackOutput("ImagesTableName")).key(Map.of("imageId", AttributeValue.fromS(image))));
        }
        rotations.close();
        finished.close();
        github.close();
        mailbox.close();
    }

    @Test
    void shouldBakeOnlyTheRoleWhoseImageCarriesTheAdvisorysPackageAndTellItsFailureOnce() throws Exception {
        JsonNode event = advisory("nginx");
        String id = event.at("/detail/id").asText();

        EVENTS.putEvents(r -> r.entries(e -> e.eventBusName(LocalCloud.stackOutput("EventBusName")).source("kiln.advisories")
                .detailType("Security Advisory Published").detail(event.get("detail").toString())));
        String patch = LocalCloud.await("a patch of " + id, Duration.ofSeconds(60), () -> executionWith("PatchStateMachineArn", id));
        DescribeExecutionResponse ended = ended(patch);

        List<ExecutionListItem> bakes = bakesFor(id);
        assertThat(bakes).extracting(ExecutionListItem::name).containsExactly("web-" + id);
        // open for web from now on: every later bake of web applies it too
        assertThat(DYNAMO.getItem(r -> r.tableName(bakes()).key(open("web")).consistentRead(true)).item().get("advisories").ss())
                .contains(id + "|2023.9.20251105");
        assertThat(JSON.readTree(SFN.describeExecution(r -> r.executionArn(bakes.get(0).executionArn())).input())).isEqualTo(JSON.readTree("""
                {"role": "web", "reason": "advisory", "source": {"sha": "%s", "pushedAt": "2020-01-01T00:00:00Z"},
                 "advisories": [{"id": "%s", "releasever": "2023.9.20251105"}]}""".formatted(webSha, id)));
        // the bake stops at once here (GitHub does not have the commit): the patch says so
        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        // its summary told the team: the error says so, and notify sends no second message
        assertThat(ended.error()).isEqualTo("Kiln.Reported.PatchIncomplete");
        assertThat(ledger(id)).containsEntry("state", "INCOMPLETE");
        JsonNode told = mailbox.await("the patch summary of " + id, END, n -> n.get("Subject").asText().contains(id)
                && n.get("Subject").asText().startsWith("Kiln could not fully patch"));
        assertThat(told.get("Subject").asText()).isEqualTo("Kiln could not fully patch " + id + " (important): nothing patched");
        assertThat(told.get("Message").asText()).contains("Not patched  web:", "Not touched  base: its image " + BASE_IMAGE
                + " does not carry nginx");
        // one failure, one message: no generic "Kiln patch failed: <execution>" after the summary
        String execution = patch.substring(patch.lastIndexOf(':') + 1);
        assertThat(mailbox.drainFor(Duration.ofSeconds(10))).extracting(n -> n.get("Subject").asText())
                .noneMatch(subject -> subject.endsWith(execution));
    }

    @Test
    void shouldAskToRotateThePatchedRoleAndRecordIt() throws Exception {
        JsonNode event = advisory("nginx");
        String id = event.at("/detail/id").asText();
        github.serve(FLEET, webSha);

        DescribeExecutionResponse ended = ended(start(event));

        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String patched = currentImage("web");
        assertThat(patched).as("web's image from the patch's bake").isNotEqualTo(WEB_IMAGE);
        JsonNode rotation = rotations.await("the rotation of " + id, e -> e.at("/detail/advisory").asText().equals(id));
        assertThat(rotation.at("/detail/roles")).isEqualTo(JSON.readTree("[\"web\"]"));
        assertThat(rotation.at("/detail/images/web").asText()).isEqualTo(patched);
        assertThat(rotation.at("/detail/reason").asText()).isEqualTo("security advisory " + id + " (important: nginx)");
        assertThat(ledger(id)).containsEntry("state", "PATCHED");
        assertThat(mailbox.await("the patch summary of " + id, END, n -> n.get("Subject").asText().contains(id))
                .get("Subject").asText()).isEqualTo("Kiln patched " + id + " (important): web");

        DescribeExecutionResponse again = ended(start(event));
        assertThat(again.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(again.output()).get("heldBy").asText()).isEqualTo(ended.executionArn());
    }

    @Test
    void shouldRotateThePatchedRolesGroupsAndRecordTheRotationOnTheAdvisory() throws Exception {
        // web's group: two instances of an image older than the patch; base's group is not the patched role's
        LocalFleet.group("patch-it-web-1", "patch-it-web", 2, Map.of("kiln:role", "web", "kiln:rotate", "nightly"));
        LocalFleet.group("patch-it-base-1", "patch-it-web", 1, Map.of("kiln:role", "base", "kiln:rotate", "nightly"));
        Map<String, String> before = LocalFleet.groupImages("patch-it-web-1");
        ObjectNode event = (ObjectNode) advisory("nginx");
        Instant published = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(41));
        ((ObjectNode) event.get("detail")).put("publishedAt", published.toString());
        String id = event.at("/detail/id").asText();
        github.serve(FLEET, webSha);

        try {
            assertThat(ended(start(event)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String patched = currentImage("web");
            JsonNode requested = rotations.await("the rotation of " + id, e -> e.at("/detail/advisory").asText().equals(id));
            String byRule = LocalCloud.await("the rotate the rule starts for " + id, Duration.ofSeconds(60),
                    () -> executionWith("RotateStateMachineArn", id));
            assertThat(JSON.readTree(SFN.describeExecution(r -> r.executionArn(byRule)).input())).isEqualTo(requested.get("detail"));
            String rotation = byRule.substring(byRule.lastIndexOf(':') + 1);

            assertThat(ended(byRule).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode report = finished.await("the end of " + rotation, e -> e.at("/detail/rotation").asText().equals(rotation));
            assertThat(report.at("/detail/advisory").asText()).isEqualTo(id);
            assertThat(report.at("/detail/outcomes")).extracting(o -> o.get("asg").asText() + " " + o.get("outcome").asText())
                    .as("only the patched role's group").containsExactly("patch-it-web-1 succeeded");
            Map<String, String> after = LocalFleet.groupImages("patch-it-web-1");
            assertThat(after.values()).as("web's instances, on the patched image").hasSize(2).containsOnly(patched);
            assertThat(after.keySet()).as("every instance replaced").doesNotContainAnyElementsOf(before.keySet());
            Map<String, AttributeValue> closed = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName"))
                    .key(Map.of("key", AttributeValue.fromS("patch#" + id))).consistentRead(true)).item();
            assertThat(closed.get("state").s()).isEqualTo("PATCHED");
            assertThat(closed.get("rotation").s()).isEqualTo(rotation);
            assertThat(closed.get("instancesReplaced").n()).isEqualTo("2");
            assertThat(closed.get("fleets").s()).contains("patch-it-web-1");
            long minutes = Duration.between(published, Instant.parse(closed.get("rotatedAt").s())).toMinutes();
            assertThat(minutes).as("the refresh's end, 41 minutes after publication and a refresh later").isBetween(41L, 42L);
            JsonNode told = mailbox.await("the rotation summary of " + id, END, n -> n.get("Message").asText().contains(rotation));
            assertThat(told.get("Subject").asText())
                    .isEqualTo(id + " (important): web patched, 2 instances replaced, " + minutes + " minutes after publication");
            assertThat(told.get("Message").asText())
                    .startsWith(id + " (important, nginx): web patched, 2 instances replaced, " + minutes + " minutes after publication.");
        } finally {
            LocalFleet.deleteGroup("patch-it-web-1");
            LocalFleet.deleteGroup("patch-it-base-1");
        }
    }

    @Test
    void shouldWaitForTheRolesBuiltOnThePatchedRoleAndRotateThemToo() throws Exception {
        JsonNode event = advisory("bash");
        String id = event.at("/detail/id").asText();
        github.serve(FLEET, baseSha);
        github.serve(FLEET, webSha);

        DescribeExecutionResponse ended = ended(start(event), Duration.ofMinutes(8));

        assertThat(ended.status()).as(ended.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(bakesFor(id)).extracting(ExecutionListItem::name).as("patch bakes base; base's bake re-bakes web")
                .containsExactly("base-" + id);
        String base = currentImage("base");
        String web = currentImage("web");
        assertThat(imageRecord(web).get("parentImageId").s()).as("web re-baked on the patched base").isEqualTo(base);
        JsonNode rotation = rotations.await("the rotation of " + id, e -> e.at("/detail/advisory").asText().equals(id));
        assertThat(rotation.at("/detail/roles")).isEqualTo(JSON.readTree("[\"base\", \"web\"]"));
        assertThat(rotation.at("/detail/images/base").asText()).isEqualTo(base);
        assertThat(rotation.at("/detail/images/web").asText()).isEqualTo(web);
    }

    @Test
    void shouldNotWaitForAFollowerWhoseParentCouldNotBePatched() throws Exception {
        JsonNode event = advisory("bash");
        String id = event.at("/detail/id").asText();

        DescribeExecutionResponse ended = ended(start(event));

        assertThat(bakesFor(id)).extracting(ExecutionListItem::name).containsExactly("base-" + id);
        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.cause()).contains("Not patched  web: Kiln.ParentNotPatched: base has no new image from this patch");
        assertThat(rotations.receivedFor(Duration.ofSeconds(2))).noneMatch(e -> e.at("/detail/advisory").asText().equals(id));
    }

    @Test
    void shouldLeaveAMediumAdvisoryForTheAffectedRolesNextBake() throws Exception {
        ObjectNode event = (ObjectNode) advisory("nginx");
        ((ObjectNode) event.get("detail")).put("severity", "medium");
        String id = event.at("/detail/id").asText();
        Map<String, AttributeValue> waiting = open("web");
        try {
            DescribeExecutionResponse ended = ended(start(event));

            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(ledger(id)).containsEntry("state", "WAITING");
            assertThat(bakesFor(id)).isEmpty();
            assertThat(DYNAMO.getItem(r -> r.tableName(bakes()).key(waiting).consistentRead(true)).item().get("advisories").ss())
                    .contains(id + "|2023.9.20251105");
        } finally {
            DYNAMO.updateItem(r -> r.tableName(bakes()).key(waiting).updateExpression("DELETE advisories :entry")
                    .expressionAttributeValues(Map.of(":entry", AttributeValue.fromSs(List.of(id + "|2023.9.20251105")))));
        }
    }

    @Test
    void shouldTakeOverAnAdvisoryWhosePatchStoppedMidway() throws Exception {
        JsonNode event = advisory("libreoffice-core");
        String id = event.at("/detail/id").asText();
        String stopped = LocalCloud.stackOutput("PatchStateMachineArn").replace(":stateMachine:", ":execution:") + ":it-stopped-" + id;
        DYNAMO.putItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName")).item(Map.of(
                "key", AttributeValue.fromS("patch#" + id), "state", AttributeValue.fromS("PATCHING"),
                "executionArn", AttributeValue.fromS(stopped))));

        DescribeExecutionResponse ended = ended(start(event));

        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output()).has("duplicate")).isFalse();
        assertThat(ledger(id)).containsEntry("state", "NOT_AFFECTED").containsEntry("executionArn", ended.executionArn());
    }

    @Test
    void shouldRecordAnAdvisoryNoImageCarriesAndBakeNothing() throws Exception {
        JsonNode event = advisory("libreoffice-core");
        String id = event.at("/detail/id").asText();

        DescribeExecutionResponse ended = ended(start(event));

        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output()).get("summary").asText()).isEqualTo(id + " (important, libreoffice-core): no role carries it");
        assertThat(ledger(id)).containsEntry("state", "NOT_AFFECTED");
        assertThat(bakesFor(id)).isEmpty();
    }

    // --- helpers ----------------------------------------------------------------------------------

    /** The sample announcement with an id and package of the test's own. */
    private static JsonNode advisory(String pkg) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.event("kiln.advisories/security-advisory-published.json"));
        int number = 100_000 + (int) (Math.random() * 800_000);
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("id", "ALAS2023-2026-" + number).put("feedId", "ALAS-2026-" + number).put("releasever", "2023.9.20251105");
        detail.putArray("packages").add(pkg);
        return event;
    }

    private static String start(JsonNode event) {
        return SFN.startExecution(r -> r.stateMachineArn(LocalCloud.stackOutput("PatchStateMachineArn"))
                .name("it-" + UUID.randomUUID()).input(event.toString())).executionArn();
    }

    private static DescribeExecutionResponse ended(String execution) {
        return ended(execution, END);
    }

    private static DescribeExecutionResponse ended(String execution, Duration deadline) {
        return LocalCloud.await("the end of " + execution, deadline, () -> {
            DescribeExecutionResponse described = SFN.describeExecution(r -> r.executionArn(execution));
            return described.status() == ExecutionStatus.RUNNING ? Optional.empty() : Optional.of(described);
        });
    }

    private static Optional<String> executionWith(String machineOutput, String text) {
        return SFN.listExecutions(r -> r.stateMachineArn(LocalCloud.stackOutput(machineOutput)).maxResults(100)).executions().stream()
                .map(ExecutionListItem::executionArn)
                .filter(arn -> SFN.describeExecution(r -> r.executionArn(arn)).input().contains(text))
                .findFirst();
    }

    private static List<ExecutionListItem> bakesFor(String id) {
        return SFN.listExecutions(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn")).maxResults(1000))
                .executions().stream().filter(e -> e.name().endsWith("-" + id)).toList();
    }

    private static Map<String, String> ledger(String id) {
        Map<String, AttributeValue> item = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("AdvisoriesTableName"))
                .key(Map.of("key", AttributeValue.fromS("patch#" + id)))).item();
        Map<String, String> values = new HashMap<>();
        item.forEach((k, v) -> values.put(k, v.s()));
        return values;
    }

    private static String bakes() {
        return LocalCloud.stackOutput("BakesTableName");
    }

    private static String currentImage(String role) {
        return DYNAMO.getItem(r -> r.tableName(bakes()).key(current(role)).consistentRead(true)).item().get("imageId").s();
    }

    private static Map<String, AttributeValue> imageRecord(String imageId) {
        return DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("ImagesTableName"))
                .key(Map.of("imageId", AttributeValue.fromS(imageId))).consistentRead(true)).item();
    }

    private static Optional<String> pointer() {
        try {
            return Optional.of(SSM.getParameter(r -> r.name(POINTER)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> current(String role) {
        return Map.of("bakeKey", AttributeValue.fromS("current#" + role));
    }

    private static Map<String, AttributeValue> open(String role) {
        return Map.of("bakeKey", AttributeValue.fromS("advisories#" + role));
    }

    private static void current(String role, String imageId, String sha) {
        DYNAMO.putItem(r -> r.tableName(bakes()).item(Map.of("bakeKey", AttributeValue.fromS("current#" + role),
                "imageId", AttributeValue.fromS(imageId), "sha", AttributeValue.fromS(sha),
                "pushedAt", AttributeValue.fromS("2020-01-01T00:00:00Z"))));
    }

    private static void image(String imageId, String role, String parent, Map<String, String> packages, List<String> sources) {
        Map<String, AttributeValue> inventory = new HashMap<>();
        packages.forEach((name, version) -> inventory.put(name, AttributeValue.fromS(version)));
        DYNAMO.putItem(r -> r.tableName(LocalCloud.stackOutput("ImagesTableName")).item(Map.of(
                "imageId", AttributeValue.fromS(imageId), "role", AttributeValue.fromS(role),
                "parentImageId", AttributeValue.fromS(parent), "createdAt", AttributeValue.fromS("2020-01-01T00:00:00Z"),
                "packages", AttributeValue.fromM(inventory), "sources", AttributeValue.fromSs(sources))));
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        java.security.SecureRandom random = new java.security.SecureRandom();
        while (hex.length() < length) {
            hex.append(Integer.toHexString(random.nextInt(16)));
        }
        return hex.toString();
    }
}
