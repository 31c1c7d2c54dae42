package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The bake state machine in the local cloud, started by hand as a person would, with nothing mocked.
 * The builder is a local instance: its agent comes online, Run Command runs the playbook in it, and its
 * image carries its disk; the server tests run in a fresh instance of the image. A bake fails as on AWS:
 * the commit's tests fail, or the local cloud is told to fail one execution's builder or tester
 * (LocalCloud.fault): no capacity, an agent that never comes online, commands that fail, CreateImage
 * refused, an image that never becomes available.
 */
class BakeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BAKE = Duration.ofMinutes(4);

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());

    private static final S3Client S3 = LocalCloud.client(S3Client.builder().forcePathStyle(true));
    private static final Path FLEET = Synthesized.layout().root().resolve("examples/fleet");

    private static Mailbox mailbox;
    private static KilnEvents bakeEvents;
    private static LocalGitHub github;

    @BeforeAll
    static void listen() throws IOException {
        mailbox = new Mailbox();
        bakeEvents = new KilnEvents("{\"source\": [\"kiln.bake\"]}");
        github = new LocalGitHub();
    }

    @AfterAll
    static void stopListening() {
        mailbox.close();
        github.close();
        bakeEvents.close();
    }

    private record Run(String executionArn, String sha, DescribeExecutionResponse execution) {

        String name() {
            return executionArn.substring(executionArn.lastIndexOf(':') + 1);
        }

        JsonNode output() throws Exception {
            return JSON.readTree(execution.output());
        }
    }

    @Test
    void shouldBakeTagAndPublishAnImageFromAManualStart() throws Exception {
        // given a launch template of the role, which must get a version pinned to the new image
        String template = EC2.createLaunchTemplate(r -> r.launchTemplateName("kiln-it-base-" + UUID.randomUUID())
                        .launchTemplateData(d -> d.instanceType("t4g.small").imageId("ami-0bb7267a511c0a8e8"))
                        .tagSpecifications(t -> t.resourceType("launch-template").tags(tag("kiln:role", "base"))))
                .launchTemplate().launchTemplateId();

        // and a new commit, on GitHub only
        String sha = SourceBundles.newSha();
        github.serve(FLEET, sha);

        // when
        Run run = start("base", sha, false, "");

        // then the execution says what it made and how long each step took
        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = run.output();

        // its first step put the commit's tarball, asked of the GitHub API once, in the artifact bucket
        assertThat(github.requestsFor(sha)).singleElement()
                .satisfies(request -> assertThat(request.authorization()).as("no token is set in the local cloud").isNull());
        assertThat(S3.headObject(r -> r.bucket(LocalCloud.stackOutput("ArtifactBucketName"))
                .key(SourceBundles.bundleKey(sha))).contentLength()).isPositive();
        String imageId = output.get("imageId").asText();
        assertThat(output.get("published").asBoolean()).isTrue();
        int packages = output.get("packages").asInt();
        assertThat(output.get("durations").has("provision")).isTrue();

        // the image exists, is available and carries the build's tags
        Image image = EC2.describeImages(r -> r.imageIds(imageId)).images().get(0);
        assertThat(image.stateAsString()).isEqualTo("available");
        assertThat(image.tags()).contains(tag("kiln:role", "base"), tag("kiln:commit", run.sha()),
                tag("kiln:reason", "manual"), tag("kiln:builder-market", "spot"), tag("kiln:packages", String.valueOf(packages)));
        assertThat(image.tags()).extracting(Tag::key).contains("kiln:parent-image", "kiln:duration:provision");

        // the pointer names it, and the role's launch template has a new version pinned to it
        assertThat(SSM.getParameter(r -> r.name("/kiln/images/base")).parameter().value()).isEqualTo(imageId);
        assertThat(EC2.describeLaunchTemplateVersions(r -> r.launchTemplateId(template)).launchTemplateVersions())
                .anySatisfy(version -> assertThat(version.launchTemplateData().imageId()).isEqualTo(imageId));
        assertThat(output.get("launchTemplateVersions").toString()).contains(template);

        // the server tests ran, as Image Builder's test stage runs them, on a fresh instance launched from the
        // image, not on the builder; both are gone
        assertThat(output.get("durations").has("tests")).isTrue();
        Map<String, Instance> byName = new java.util.HashMap<>();
        EC2.describeInstances(r -> r.filters(tagFilter("kiln:commit", run.sha()))).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream)
                .forEach(i -> byName.put(i.tags().stream().filter(t -> t.key().equals("Name")).findFirst().orElseThrow().value(), i));
        assertThat(byName).containsOnlyKeys("kiln-builder-base", "kiln-tester-base");
        assertThat(byName.get("kiln-tester-base").imageId()).isEqualTo(imageId);
        assertThat(byName.get("kiln-builder-base").imageId()).isNotEqualTo(imageId);
        assertThat(liveBuilders(run.sha())).isEmpty();

        // Kiln said so on its bus, and kept the image's record with its packages
        JsonNode baked = bakeEvents.await("Image Baked for " + imageId, e -> imageId.equals(e.at("/detail/imageId").asText()));
        assertThat(baked.get("detail-type").asText()).isEqualTo("Image Baked");
        assertThat(baked.at("/detail/role").asText()).isEqualTo("base");
        assertThat(baked.at("/detail/published").asBoolean()).isTrue();
        Map<String, AttributeValue> record = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("ImagesTableName"))
                .key(Map.of("imageId", AttributeValue.fromS(imageId)))).item();
        // (the builder's own inventory: the base image's packages and the chrony that the playbook installed)
        assertThat(record.get("packages").m()).hasSize(packages).containsKeys("bash", "chrony", "expat")
                .doesNotContainKey("nginx");
        assertThat(record.get("sources").ss()).contains("bash", "chrony", "expat");
        assertThat(record.get("sha").s()).isEqualTo(run.sha());

        EC2.deleteLaunchTemplate(r -> r.launchTemplateId(template));
    }

    @Test
    void shouldApplyEveryOpenAdvisoryOfTheRoleAndKeepItOpenForTheNextBake() throws Exception {
        String advisory = "ALAS2023-2026-" + (100_000 + new java.util.Random().nextInt(800_000));
        String entry = advisory + "|2023.9.20251105";
        Map<String, AttributeValue> open = Map.of("bakeKey", AttributeValue.fromS("advisories#base"));
        DYNAMO.updateItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName")).key(open)
                .updateExpression("ADD advisories :entry").expressionAttributeValues(Map.of(":entry", AttributeValue.fromSs(List.of(entry)))));
        try {
            Run run = bake("base", false);

            assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String imageId = run.output().get("imageId").asText();
            Image image = EC2.describeImages(r -> r.imageIds(imageId)).images().get(0);
            assertThat(image.tags()).contains(tag("kiln:advisories", advisory));
            Map<String, AttributeValue> left = DYNAMO.getItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName"))
                    .key(open).consistentRead(true)).item();
            assertThat(left.get("advisories").ss()).contains(entry);
        } finally {
            DYNAMO.updateItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName")).key(open)
                    .updateExpression("DELETE advisories :entry").expressionAttributeValues(Map.of(":entry", AttributeValue.fromSs(List.of(entry)))));
        }
    }

    @Test
    void shouldBakeTheSampleInputAsAPersonStartsItFromTheCommandLineFollowingItToItsEnd() throws Exception {
        // given the sample a person would start bake with, and its commit's source bundle
        JsonNode sample = JSON.readTree(java.nio.file.Files.readString(Synthesized.layout().root()
                .resolve("events/inputs/bake/manual-keep-on-failure.json")));
        String sha = sample.at("/source/sha").asText();
        SourceBundles.upload(FLEET, sha);

        // when a person bakes it with the command line, which follows the bake until it ends
        KilnCli.Run baked = KilnCli.run("--output", "json", "bake", sample.get("role").asText(), "--sha", sha, "--keep-on-failure");

        // then the command started exactly the sample and ended with the bake's result
        assertThat(baked.exitCode()).as(baked.err()).isZero();
        JsonNode result = baked.json();
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(JSON.readTree(SFN.describeExecution(r -> r.executionArn(result.path("execution").asText())).input())).isEqualTo(sample);
        assertThat(baked.err()).as("its progress, on standard error").contains("  Plan\n");
        // (in a local cloud that already baked this sample, the bake is a duplicate and ends at once)
        JsonNode output = result.path("output");
        if (!output.path("duplicate").asBoolean()) {
            assertThat(EC2.describeImages(r -> r.imageIds(output.get("imageId").asText())).images())
                    .singleElement().satisfies(image -> assertThat(image.tags()).contains(tag("kiln:role", "base")));
        }
    }

    @Test
    void shouldDoNothingWhenTheSameBakeIsStartedAgain() throws Exception {
        // given a bake that succeeded
        Run first = bake("base", false);
        assertThat(first.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        // when the same role and commit are baked again (a repeated event, a second manual start)
        Run second = bake("base", first.sha(), false, "again");

        // then nothing is launched or made a second time
        assertThat(second.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(second.output().get("duplicate").asBoolean()).isTrue();
        assertThat(second.output().get("heldBy").asText()).isEqualTo(first.executionArn());
        assertThat(EC2.describeImages(r -> r.owners("self").filters(tagFilter("kiln:commit", first.sha()))).images())
                .hasSize(1);
    }

    @Test
    void shouldRejectABadManualInputAtTheFirstStateWithAClearMessage() throws Exception {
        String input = java.nio.file.Files.readString(Synthesized.layout().root()
                .resolve("events/inputs/bake/invalid-unknown-field.json"));
        String execution = SFN.startExecution(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn"))
                .name("it-invalid-" + UUID.randomUUID()).input(input)).executionArn();

        DescribeExecutionResponse ended = awaitEnd(execution);

        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("dev.kiln.bakeplan.errors.InvalidBakeInputException");
        assertThat(ended.cause()).contains("/source/sha: does not match the regex pattern")
                .contains("property 'colour' is not defined in the schema");
        JsonNode failed = bakeEvents.await("Bake Failed for " + execution,
                e -> execution.equals(e.at("/detail/executionArn").asText()));
        assertThat(failed.at("/detail/failedStep").asText()).isEqualTo("Plan");
        assertThat(failed.at("/detail/builderAction").asText()).isEqualTo("none");
    }

    /**
     * Each way a bake can fail: tests that fail in the commit (failing-tests), a fault of the builder, or one of the
     * instance that tests the image (tester:..., an image that does not boot cleanly).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "no-capacity,           EC2.EC2Exception,         LaunchBuilderOnDemand",
            "agent-offline,         Kiln.SsmTimedOut,         SsmTimedOut",
            "command-fails,         Kiln.ProvisioningFailed,  ProvisionFailed",
            "failing-tests,         Kiln.ServerTestsFailed,   TestsFailed",
            "create-image-fails,    EC2.EC2Exception,         ImageCreate",
            "image-never-available, Kiln.ImageTimedOut,       ImageTimedOut",
            "tester:agent-offline,  Kiln.TestInstanceTimedOut, TestsSsmTimedOut"})
    void shouldCleanUpEverythingAndSaySoWhenAStepFails(String failure, String error, String failedStep) throws Exception {
        // when
        Run run = failingBake(failure, false);

        // then the execution fails with the step's error
        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo(error);

        // Bake Failed names the step and the logs
        JsonNode failed = bakeEvents.await("Bake Failed for " + run.name(),
                e -> run.executionArn().equals(e.at("/detail/executionArn").asText()));
        assertThat(failed.at("/detail/failedStep").asText()).isEqualTo(failedStep);
        assertThat(failed.at("/detail/role").asText()).isEqualTo("base");
        assertThat(failed.at("/detail/logs").asText()).startsWith("s3://").contains("/logs/base/");

        // no builder is left running, no image and no snapshot of the build remains
        assertThat(liveBuilders(run.sha())).isEmpty();
        assertThat(EC2.describeImages(r -> r.owners("self").filters(tagFilter("kiln:commit", run.sha()))).images()).isEmpty();
        List<String> builders = allBuilders(run.sha());
        if (!builders.isEmpty()) {
            assertThat(EC2.describeSnapshots(r -> r.ownerIds("self").filters(Filter.builder().name("description")
                    .values(builders.stream().map(id -> "Created by CreateImage(" + id + ")*").toList()).build()))
                    .snapshots()).isEmpty();
        }

        // kiln logs says the same: the step, the error, and where the commands' output is
        KilnCli.Run logs = KilnCli.run("--output", "json", "logs", run.name());
        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.json().path("failedStep").asText()).isEqualTo(failedStep);
        assertThat(logs.json().path("error").asText()).isEqualTo(error);
        if (failure.equals("command-fails")) {
            assertThat(logs.json().path("commandOutput").get(0).asText()).startsWith("s3://").contains("/logs/base/");
        }

        // and the people subscribed hear about it
        JsonNode notification = mailbox.awaitAbout(run.name());
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln bake failed: " + run.name());
        assertThat(notification.get("Message").asText()).contains("Error          " + error);
    }

    @Test
    void shouldKeepTwoBakesOfOneRoleAndCommitStartedAtOnceApartWhenOneFailsAtCreateImage() throws Exception {
        // given two bakes of base at one commit, one with an advisory (two advisories at once start bakes so),
        // started in the same second: the one that fails at CreateImage cleans up after itself only
        String sha = SourceBundles.newSha();
        SourceBundles.upload(FLEET, sha);
        String failing = startOnly(input("base", sha, false)
                .set("advisories", JSON.readTree("[{\"id\": \"ALAS2023-2025-1196\", \"releasever\": \"2023.9.20251105\"}]")),
                "-b", "create-image-fails");
        String happy = startOnly(input("base", sha, false), "-a", null);

        // when both end
        DescribeExecutionResponse failed = awaitEnd(failing);
        DescribeExecutionResponse baked = awaitEnd(happy);

        // then the failure is the failing bake's alone, and the other's image is published and intact
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(baked.status()).as(baked.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String imageId = JSON.readTree(baked.output()).get("imageId").asText();
        Image image = EC2.describeImages(r -> r.imageIds(imageId)).images().get(0);
        assertThat(image.stateAsString()).isEqualTo("available");
        List<String> snapshots = image.blockDeviceMappings().stream().filter(m -> m.ebs() != null)
                .map(m -> m.ebs().snapshotId()).toList();
        assertThat(snapshots).isNotEmpty();
        assertThat(EC2.describeSnapshots(r -> r.snapshotIds(snapshots)).snapshots()).hasSameSizeAs(snapshots);
        assertThat(SSM.getParameter(r -> r.name("/kiln/images/base")).parameter().value()).isEqualTo(imageId);
        JsonNode cleanup = bakeEvents.await("Bake Failed for " + failing, e -> failing.equals(e.at("/detail/executionArn").asText()));
        assertThat(cleanup.at("/detail/buildId").asText()).isNotEqualTo(image.tags().stream()
                .filter(t -> t.key().equals("kiln:build-id")).findFirst().orElseThrow().value());
        assertThat(cleanup.at("/detail/deregisteredImages").toString()).doesNotContain(imageId);
        // the failing bake's cleanup acted on its own builder only
        List<String> cleaned = new java.util.ArrayList<>();
        cleanup.at("/detail/builders").forEach(id -> cleaned.add(id.asText()));
        assertThat(cleaned).isNotEmpty();
        assertThat(EC2.describeInstances(r -> r.instanceIds(cleaned)).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream).map(Instance::tags))
                .allSatisfy(tags -> assertThat(tags).contains(tag("kiln:execution", failing)));
        assertThat(liveBuilders(sha)).isEmpty();
    }

    @Test
    void shouldFailAtTheFirstStepAndLaunchNothingWhenGitHubHasNoSuchCommit() {
        // when a commit GitHub does not have is baked
        Run run = start("base", SourceBundles.newSha(), false, "");

        // then
        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.SourceBundleMissing");
        assertThat(run.execution().cause()).contains("dev.kiln.sourcefetch.errors.CommitNotFoundException")
                .contains("GitHub has no commit " + run.sha() + " in example-org/fleet (404)");
        assertThat(github.requestsFor(run.sha())).hasSize(1);
        assertThat(allBuilders(run.sha())).isEmpty();
        JsonNode failed = bakeEvents.await("Bake Failed for " + run.name(),
                e -> run.executionArn().equals(e.at("/detail/executionArn").asText()));
        assertThat(failed.at("/detail/failedStep").asText()).isEqualTo("SourceBundleMissing");
    }

    @Test
    void shouldKeepTheInstanceWhoseServerTestsFailedForItsTimeToLiveWhenAsked() throws Exception {
        // when
        Run run = failingBake("failing-tests", true);

        // then the instance the tests failed on still runs, marked with when the reaper may terminate it
        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        List<Instance> kept = EC2.describeInstances(r -> r.filters(tagFilter("kiln:commit", run.sha()),
                        Filter.builder().name("instance-state-name").values("running").build()))
                .reservations().stream().map(Reservation::instances).flatMap(List::stream).toList();
        assertThat(kept).singleElement().satisfies(instance -> assertThat(instance.tags())
                .contains(tag("Name", "kiln-tester-base"))
                .anySatisfy(tag -> assertThat(tag.key()).isEqualTo("kiln:expires-at")));

        EC2.terminateInstances(r -> r.instanceIds(kept.get(0).instanceId()));
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** A bake of base that fails as {@code failure} says: failing-tests, or a fault of its builder (see LocalCloud.fault). */
    private static Run failingBake(String failure, boolean keepOnFailure) throws IOException, InterruptedException {
        String sha = SourceBundles.newSha();
        boolean failingTests = failure.equals("failing-tests");
        SourceBundles.upload(failingTests ? fleetWithAFailingTest() : FLEET, sha);
        String execution = startOnly(input("base", sha, keepOnFailure), "", failingTests ? null : failure);
        return new Run(execution, sha, awaitEnd(execution));
    }

    /** A copy of examples/fleet whose base tests have one check more, which fails on every server. */
    private static Path fleetWithAFailingTest() throws IOException, InterruptedException {
        Path copy = java.nio.file.Files.createTempDirectory("fleet").resolve("fleet");
        Process cp = new ProcessBuilder("cp", "-r", FLEET.toString(), copy.toString()).inheritIO().start();
        assertThat(cp.waitFor()).as("copy of " + FLEET).isZero();
        Path tests = copy.resolve("roles/base/tests/run.sh");
        String script = java.nio.file.Files.readString(tests);
        assertThat(script).contains("echo \"$failures failed\"");
        java.nio.file.Files.writeString(tests, script.replace("echo \"$failures failed\"",
                "check \"a check that no server passes\" \"false\"\necho \"$failures failed\""));
        return copy;
    }

    private static Run bake(String role, boolean keepOnFailure) {
        return bake(role, SourceBundles.newSha(), keepOnFailure, "");
    }

    /** Bakes with the commit's bundle already in the artifact bucket, as a commit baked before has it. */
    private static Run bake(String role, String sha, boolean keepOnFailure, String nameSuffix) {
        try {
            SourceBundles.upload(FLEET, sha);
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload the source bundle", e);
        }
        return start(role, sha, keepOnFailure, nameSuffix);
    }

    private static Run start(String role, String sha, boolean keepOnFailure, String nameSuffix) {
        String execution = startOnly(input(role, sha, keepOnFailure), nameSuffix, null);
        return new Run(execution, sha, awaitEnd(execution));
    }

    private static ObjectNode input(String role, String sha, boolean keepOnFailure) {
        ObjectNode input = JSON.createObjectNode().put("role", role).put("reason", "manual").put("keepOnFailure", keepOnFailure);
        input.set("source", JSON.createObjectNode().put("sha", sha));
        return input;
    }

    /**
     * Starts a bake and returns its execution's ARN without waiting for it; with a fault (or null), the local
     * cloud fails the execution's builder so (its instances are tagged kiln:execution).
     */
    private static String startOnly(ObjectNode input, String nameSuffix, String fault) {
        String stateMachine = LocalCloud.stackOutput("BakeStateMachineArn");
        String name = "it-" + (fault == null ? "bake" : fault.replace(':', '-')) + "-" + input.at("/source/sha").asText().substring(0, 12)
                + nameSuffix;
        if (fault != null) {
            Map<String, String> tags = new java.util.HashMap<>(Map.of("kiln:execution",
                    stateMachine.replace(":stateMachine:", ":execution:") + ":" + name));
            if (fault.startsWith("tester:")) {
                tags.put("Name", "kiln-tester-" + input.get("role").asText());
            }
            LocalCloud.fault(tags, fault.substring(fault.indexOf(':') + 1));
        }
        return SFN.startExecution(r -> r.stateMachineArn(stateMachine).name(name).input(input.toString())).executionArn();
    }

    private static DescribeExecutionResponse awaitEnd(String execution) {
        return LocalCloud.await("execution " + execution + " to end", BAKE, () -> Optional.of(
                        SFN.describeExecution(r -> r.executionArn(execution)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    /**
     * The base builders of a commit still alive (a published base image starts web's re-bake of the
     * same commit by itself, whose builder may run meanwhile: it is not the bake under test).
     */
    private static List<String> liveBuilders(String sha) {
        return instances(tagFilter("kiln:commit", sha), tagFilter("kiln:role", "base"),
                Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build());
    }

    private static List<String> allBuilders(String sha) {
        return instances(tagFilter("kiln:commit", sha));
    }

    private static List<String> instances(Filter... filters) {
        return EC2.describeInstances(r -> r.filters(filters)).reservations().stream()
                .map(Reservation::instances).flatMap(List::stream).map(Instance::instanceId).toList();
    }

    private static Filter tagFilter(String key, String value) {
        return Filter.builder().name("tag:" + key).values(value).build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
