package dev.kiln.bakecleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.bake.BakeLedger;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BakeCleanupServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T03:20:00Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-1";
    private static final String BUILD = "web-0d1a26e-20261122t030005-94f61a06";

    /** The EC2 resources of builds, and what was done to them. */
    static final class FakeResources implements BuildResources {
        final Map<String, List<String>> builders = new HashMap<>();
        final Map<String, List<Image>> images = new HashMap<>();
        final Map<String, List<String>> snapshotsByInstance = new HashMap<>();
        final List<String> actions = new ArrayList<>();

        // only this execution's resources are found (EC2 filters by kiln:build-id and kiln:execution)
        @Override public List<String> builders(Build build) { return builders.getOrDefault(key(build), List.of()); }
        @Override public List<String> allBuilders(Build build) { return builders(build); }
        @Override public void terminate(List<String> ids) { actions.add("terminate " + ids); }
        @Override public void keepUntil(List<String> ids, Instant at) { actions.add("keep " + ids + " until " + at); }
        @Override public List<Image> images(Build build) { return images.getOrDefault(key(build), List.of()); }
        @Override public void deregister(String imageId) { actions.add("deregister " + imageId); }
        @Override public List<String> snapshotsOf(List<String> instanceIds) {
            return instanceIds.stream().flatMap(id -> snapshotsByInstance.getOrDefault(id, List.of()).stream()).toList();
        }
        @Override public void deleteSnapshot(String id) { actions.add("delete " + id); }

        static String key(Build build) {
            return build.buildId() + " " + build.executionArn();
        }
    }

    private static final String OURS = BUILD + " " + EXECUTION;
    private String currentImage;

    private final FakeResources resources = new FakeResources();
    private final List<String> ledger = new ArrayList<>();
    private List<Visit> visits = List.of(visit("Plan"), visit("LaunchBuilderSpot"), visit("SsmCheck"), visit("ProvisionCheck"),
            visit("ProvisionFailed"), visit("Cleanup"));

    private BakeCleanupService service() {
        return new BakeCleanupService(resources, new BakeLedger() {
            @Override
            public Optional<Entry> claim(Entry entry, ExecutionStatus executions) {
                throw new AssertionError("cleanup never claims");
            }

            @Override
            public void finish(String bakeKey, String executionArn, Status status, Optional<String> imageId, Instant at) {
                ledger.add(bakeKey + " " + status);
            }

            @Override
            public Optional<String> currentImage(String role) {
                return Optional.ofNullable(currentImage);
            }
        }, arn -> visits);
    }

    private static CleanupRequest request(boolean keepOnFailure, String error, String cause) {
        return new CleanupRequest(new CleanupRequest.State(
                new CleanupRequest.Plan("web#0d1a26e#plain", BUILD, "web", "0d1a26e", keepOnFailure, 4,
                        new CleanupRequest.Logs("s3://kiln-artifacts/logs/web/" + BUILD + "/")),
                new CleanupRequest.Builder("i-0123456789abcdef0"),
                null,
                new CleanupRequest.Error(error, cause), false), EXECUTION, null);
    }

    /** Cleans up after a bake of this execution that failed with {@code error} while its builder was still running. */
    private CleanupResult cleanWithTheBuilderRunning(boolean keepOnFailure, String error, String cause) {
        resources.builders.put(OURS, List.of("i-0123456789abcdef0"));
        return service().clean(request(keepOnFailure, error, cause), NOW);
    }

    @Test
    void shouldTerminateTheBuilderAndNameTheStepThatFailed() {
        CleanupResult result = cleanWithTheBuilderRunning(false, "Kiln.ProvisioningFailed", "exit status 2");

        assertThat(resources.actions).containsExactly("terminate [i-0123456789abcdef0]");
        assertThat(result.failedStep()).isEqualTo("ProvisionFailed");
        assertThat(result.summary()).isEqualTo("ProvisionFailed: exit status 2");
        assertThat(result.builderAction()).isEqualTo("terminated");
        assertThat(result.logs()).isEqualTo("s3://kiln-artifacts/logs/web/" + BUILD + "/");
        assertThat(ledger).containsExactly("web#0d1a26e#plain FAILED");
    }

    @Test
    void shouldMaskSecretsInTheOutputACauseCarriesAndBoundItForTheEventAndTheEmail() {
        String cause = "provisioning (playbook and advisories) ended Failed with exit code 2: fatal: vault_password=hunter2 "
                + "x".repeat(40_000) + " PLAY RECAP failed=1";

        CleanupResult result = cleanWithTheBuilderRunning(false, "Kiln.ProvisioningFailed", cause);

        assertThat(result.cause()).doesNotContain("hunter2").contains("vault_password=[scrubbed]").endsWith("PLAY RECAP failed=1")
                .hasSizeLessThanOrEqualTo(BakeCleanupService.CAUSE_LIMIT);
        assertThat(result.summary()).startsWith("ProvisionFailed: provisioning").doesNotContain("hunter2");
    }

    @Test
    void shouldKeepTheBuilderForItsTtlWhenAskedInsteadOfTerminatingIt() {
        CleanupResult result = cleanWithTheBuilderRunning(true, "Kiln.ServerTestsFailed", "2 failed");

        assertThat(resources.actions).containsExactly("keep [i-0123456789abcdef0] until 2026-11-22T07:20:00Z");
        assertThat(result.builderAction()).isEqualTo("kept");
        assertThat(result.keptUntil()).isEqualTo("2026-11-22T07:20:00Z");
    }

    @Test
    void shouldDeregisterAPartialImageAndDeleteEverySnapshotOfTheBuild() {
        resources.images.put(OURS, List.of(new BuildResources.Image("ami-0bbbbbbbbbbbbbbb2", List.of("snap-01", "snap-02"))));
        resources.snapshotsByInstance.put("i-0123456789abcdef0", List.of("snap-02", "snap-03"));

        CleanupResult result = cleanWithTheBuilderRunning(true, "Kiln.ImageTimedOut", "not available after 240 minutes");

        assertThat(resources.actions).containsSubsequence("deregister ami-0bbbbbbbbbbbbbbb2", "delete snap-01", "delete snap-02", "delete snap-03");
        assertThat(resources.actions).filteredOn(a -> a.startsWith("delete")).hasSize(3);
        assertThat(result.deregisteredImages()).containsExactly("ami-0bbbbbbbbbbbbbbb2");
        assertThat(result.deletedSnapshots()).containsExactly("snap-01", "snap-02", "snap-03");
    }

    @Test
    void shouldLeaveAnotherExecutionsBuilderImageAndSnapshotsAloneEvenUnderTheSameBuildId() {
        String other = BUILD + " arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-2";
        resources.builders.put(other, List.of("i-0ffffffffffffffff"));
        resources.images.put(other, List.of(new BuildResources.Image("ami-0ccccccccccccccc3", List.of("snap-09"))));

        CleanupResult result = service().clean(request(false, "Kiln.ImageFailed", "CreateImage failed"), NOW);

        assertThat(resources.actions).isEmpty();
        assertThat(result.builderAction()).isEqualTo("none");
        assertThat(result.deregisteredImages()).isEmpty();
    }

    @Test
    void shouldNeverDeregisterTheRolesPublishedImageOrDeleteItsSnapshots() {
        resources.images.put(OURS, List.of(new BuildResources.Image("ami-0bbbbbbbbbbbbbbb2", List.of("snap-01"))));
        resources.snapshotsByInstance.put("i-0123456789abcdef0", List.of("snap-01", "snap-03"));
        currentImage = "ami-0bbbbbbbbbbbbbbb2";

        CleanupResult result = service().clean(request(false, "Kiln.PublishFailed", "the pointer could not be written"), NOW);

        assertThat(resources.actions).containsExactly("delete snap-03");
        assertThat(result.keptImage()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
        assertThat(result.deregisteredImages()).isEmpty();
    }

    @Test
    void shouldCleanNothingWhenPlanningFailedButStillSayWhy() {
        visits = List.of(visit("Plan"), visit("PlanFailed"), visit("Cleanup"));
        CleanupRequest request = new CleanupRequest(new CleanupRequest.State(null, null, null, new CleanupRequest.Error(
                "dev.kiln.bakeplan.errors.UnknownRoleException",
                "{\"errorMessage\":\"there is no role 'db' in the Kiln configuration\",\"errorType\":\"dev.kiln.bakeplan.errors.UnknownRoleException\",\"stackTrace\":[]}"),
                false), EXECUTION, dev.kiln.common.Json.MAPPER.createObjectNode().put("role", "db")
                .set("source", dev.kiln.common.Json.MAPPER.createObjectNode().put("sha", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c; rm")));

        CleanupResult result = service().clean(request, NOW);

        assertThat(resources.actions).isEmpty();
        assertThat(ledger).isEmpty();
        assertThat(result.failedStep()).isEqualTo("Plan");
        assertThat(result.cause()).isEqualTo("there is no role 'db' in the Kiln configuration");
        assertThat(result.builderAction()).isEqualTo("none");
        assertThat(result.role()).isEqualTo("db");
        assertThat(result.sha()).isEqualTo("unknown");
    }

    @Test
    void shouldKeepAnImageThatWasRecordedBeforePublishingFailed() {
        resources.images.put(OURS, List.of(new BuildResources.Image("ami-0bbbbbbbbbbbbbbb2", List.of("snap-01"))));
        CleanupRequest request = new CleanupRequest(new CleanupRequest.State(
                new CleanupRequest.Plan("web#0d1a26e#plain", BUILD, "web", "0d1a26e", false, 4, null), null,
                new CleanupRequest.Image("ami-0bbbbbbbbbbbbbbb2"), new CleanupRequest.Error("Ssm.ThrottlingException", "slow down"),
                true), EXECUTION, null);

        CleanupResult result = service().clean(request, NOW);

        assertThat(resources.actions).isEmpty();
        assertThat(result.keptImage()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
        assertThat(ledger).containsExactly("web#0d1a26e#plain FAILED");
    }

    @Test
    void shouldTerminateBuildersFoundByTheirTagEvenWhenTheLaunchAnswerWasLost() {
        resources.builders.put(OURS, List.of("i-0aaaaaaaaaaaaaaa1"));
        CleanupRequest request = new CleanupRequest(new CleanupRequest.State(
                new CleanupRequest.Plan("web#0d1a26e#plain", BUILD, "web", "0d1a26e", false, 4, null),
                null, null, new CleanupRequest.Error("States.Timeout", "the launch timed out"), false), EXECUTION, null);

        service().clean(request, NOW);

        assertThat(resources.actions).containsExactly("terminate [i-0aaaaaaaaaaaaaaa1]");
    }

    @Test
    void shouldFailTheExecutionWithAnErrorNameAFailStateMayRaise() {
        assertThat(BakeCleanupService.failure("States.Timeout")).isEqualTo("Kiln.States.Timeout");
        assertThat(BakeCleanupService.failure("Kiln.ProvisioningFailed")).isEqualTo("Kiln.ProvisioningFailed");
        assertThat(BakeCleanupService.failure("EC2.EC2Exception")).isEqualTo("EC2.EC2Exception");
    }

    private static Visit visit(String state) {
        return new Visit(state, NOW, Optional.of(NOW));
    }
}
