package dev.kiln.bakerecord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.bakerecord.Ports.Published;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BakeRecordServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T03:41:07Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-1";
    private static final String INVENTORY = """
            bash\t0:5.2.15-1.amzn2023.0.2\taarch64\tbash-5.2.15-1.amzn2023.0.2.src.rpm
            expat\t0:2.5.0-1.amzn2023.0.3\taarch64\texpat-2.5.0-1.amzn2023.0.3.src.rpm
            glibc\t0:2.34-52.amzn2023.0.8\taarch64\tglibc-2.34-52.amzn2023.0.8.src.rpm
            glibc\t0:2.34-52.amzn2023.0.8\ti686\tglibc-2.34-52.amzn2023.0.8.src.rpm
            gpg-pubkey\t0:d832c631-5e2b6e6d\t(none)\t(none)
            kpartx\t0:0.8.7-16.amzn2023.0.1\taarch64\tdevice-mapper-multipath-0.8.7-16.amzn2023.0.1.src.rpm
            warning: rpmdb: damaged header #42 retrieved -- skipping.
            nginx\t1:1.24.0-1.amzn2023.0.2\taarch64
            """;

    private final Map<String, String> s3 = new HashMap<>();
    private final Map<String, String> manifests = new HashMap<>();
    private final List<ImageRecord> saved = new ArrayList<>();
    private Published published;
    private final Map<String, String> currentImages = new HashMap<>();

    private final Ports.Artifacts artifacts = new Ports.Artifacts() {
        @Override
        public Optional<String> commandStdout(String bucket, String prefix, String commandId, String instanceId) {
            return Optional.ofNullable(s3.get(bucket + "/" + prefix + "/" + commandId + "/" + instanceId));
        }

        @Override
        public String putManifest(String bucket, String role, String imageId, String json) {
            manifests.put(imageId, json);
            return "s3://" + bucket + "/manifests/" + role + "/" + imageId + ".json";
        }
    };

    private final List<Visit> visits = List.of(
            visit("Plan", 0, 2), visit("LaunchBuilderSpot", 3, 5), visit("SsmCheck", 5, 6), visit("SsmWait", 6, 36),
            visit("SsmCheck", 36, 37), visit("ProvisionSend", 37, 38), visit("ProvisionWait", 38, 338),
            visit("ImageCreate", 400, 402), visit("ImageWait", 402, 1202));

    private BakeRecordService service() {
        return new BakeRecordService(artifacts, saved::add, (role, candidate) -> {
            Optional<Published> newer = Optional.ofNullable(published).filter(p -> p.pushedAt().isAfter(candidate.pushedAt()));
            if (newer.isEmpty()) {
                published = candidate;
            }
            return newer;
        }, role -> Optional.ofNullable(currentImages.get(role)), arn -> visits);
    }

    private static RecordRequest request(String stdout) {
        return request(stdout, "advisory");
    }

    private static RecordRequest request(String stdout, String reason) {
        return new RecordRequest(
                new RecordRequest.Plan("web#0d1a26e#plain", "web-0d1a26e-20261122t030005-94f61a06", "web", "0d1a26e", "refs/heads/main",
                        reason, "2026-11-22T03:00:00Z", List.of(new RecordRequest.Advisory("ALAS2023-2023-126", "2023.0.20230308")),
                        new RecordRequest.Parent("base"),
                        new RecordRequest.Commands(new RecordRequest.Command("logs/web/web-0d1a26e-20261122t030005-94f61a06/record")),
                        new RecordRequest.Logs("kiln-artifacts", "s3://kiln-artifacts/logs/web/web-0d1a26e-20261122t030005-94f61a06/"),
                        "/kiln/images/web"),
                new RecordRequest.ImageRef("ami-0aaaaaaaaaaaaaaa1"),
                new RecordRequest.Builder("i-0123456789abcdef0", "spot"),
                new RecordRequest.ImageRef("ami-0bbbbbbbbbbbbbbb2"),
                new RecordRequest.ImageState("available", List.of(
                        new RecordRequest.Mapping("/dev/xvda", new RecordRequest.Ebs("snap-0123456789abcdef0")),
                        new RecordRequest.Mapping("/dev/sdb", null))),
                new RecordRequest.CommandRef("cmd-1", stdout),
                EXECUTION);
    }

    @Test
    void shouldRecordTheFullInventoryFromS3RatherThanTheTruncatedOutput() {
        s3.put("kiln-artifacts/logs/web/web-0d1a26e-20261122t030005-94f61a06/record/cmd-1/i-0123456789abcdef0", INVENTORY);

        RecordResult result = service().record(request("bash\t0:5.2.15-1\taarch64\n"), NOW);

        assertThat(result.packages()).isEqualTo(6);
        assertThat(saved).singleElement().satisfies(record -> {
            assertThat(record.imageId()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
            assertThat(record.parentImageId()).isEqualTo("ami-0aaaaaaaaaaaaaaa1");
            assertThat(record.advisories()).containsExactly("ALAS2023-2023-126");
            assertThat(record.packages()).containsEntry("expat", "0:2.5.0-1.amzn2023.0.3.aarch64")
                    .containsEntry("glibc", "0:2.34-52.amzn2023.0.8.aarch64 0:2.34-52.amzn2023.0.8.i686")
                    .containsEntry("nginx", "1:1.24.0-1.amzn2023.0.2.aarch64");
            // what advisories name: kpartx comes from device-mapper-multipath; nginx's line predates the column
            assertThat(record.sources()).containsExactly("bash", "device-mapper-multipath", "expat", "glibc");
            assertThat(record.manifestUri()).isEqualTo("s3://kiln-artifacts/manifests/web/ami-0bbbbbbbbbbbbbbb2.json");
        });
        assertThat(manifests.get("ami-0bbbbbbbbbbbbbbb2")).contains("\"parentImageId\" : \"ami-0aaaaaaaaaaaaaaa1\"")
                .contains("\"expat\" : \"0:2.5.0-1.amzn2023.0.3.aarch64\"");
    }

    @Test
    void shouldFallBackToTheCommandsOwnOutputWhenS3HasNone() {
        RecordResult result = service().record(request(INVENTORY), NOW);

        assertThat(result.packages()).isEqualTo(6);
    }

    @Test
    void shouldTellHowLongEachStepTookInTheResultAndTheImageTags() {
        RecordResult result = service().record(request(INVENTORY), NOW);

        assertThat(result.durations()).containsExactly(Map.entry("plan", 2L), Map.entry("launch", 2L),
                Map.entry("ssm", 32L), Map.entry("provision", 301L), Map.entry("image", 802L));
        assertThat(result.tags()).contains(
                new RecordResult.Tag("kiln:parent-image", "ami-0aaaaaaaaaaaaaaa1"),
                new RecordResult.Tag("kiln:builder-market", "spot"),
                new RecordResult.Tag("kiln:packages", "6"),
                new RecordResult.Tag("kiln:duration:provision", "301s"));
    }

    @Test
    void shouldTagTheImagesSnapshotsAsWellAsTheImage() {
        RecordResult result = service().record(request(INVENTORY), NOW);

        assertThat(result.tagResources()).containsExactly("ami-0bbbbbbbbbbbbbbb2", "snap-0123456789abcdef0");
        assertThat(result.tags()).contains(new RecordResult.Tag("kiln:role", "web"),
                new RecordResult.Tag("kiln:build-id", "web-0d1a26e-20261122t030005-94f61a06"));
    }

    @Test
    void shouldPublishTheImageOfTheNewestPush() {
        RecordResult result = service().record(request(INVENTORY), NOW);

        assertThat(result.publish()).isTrue();
        assertThat(result.supersededBy()).isNull();
        assertThat(published.imageId()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
    }

    @Test
    void shouldKeepButNotPublishTheImageOfAnOlderPushThanThePublishedOne() {
        published = new Published("ami-0ccccccccccccccc3", "9049f12", Instant.parse("2026-11-22T03:10:00Z"));

        RecordResult result = service().record(request(INVENTORY), NOW);

        assertThat(result.publish()).isFalse();
        assertThat(result.supersededBy()).isEqualTo("ami-0ccccccccccccccc3");
        assertThat(saved).hasSize(1);
        assertThat(published.imageId()).isEqualTo("ami-0ccccccccccccccc3");
    }

    @Test
    void shouldKeepButNotPublishAReBakeOnAParentImageThatIsNoLongerTheParentsPublishedOne() {
        // base published ami-...1 and then ami-...4 in quick succession: web's re-bake on ...1 finishes after the one on ...4
        currentImages.put("base", "ami-0ddddddddddddddd4");

        RecordResult stale = service().record(request(INVENTORY, "parent-image"), NOW);
        currentImages.put("base", "ami-0aaaaaaaaaaaaaaa1");
        RecordResult current = service().record(request(INVENTORY, "parent-image"), NOW);

        assertThat(stale.publish()).isFalse();
        assertThat(stale.notPublished()).isEqualTo("its parent image ami-0aaaaaaaaaaaaaaa1 is no longer base's published image"
                + " (ami-0ddddddddddddddd4 is): the re-bake on ami-0ddddddddddddddd4 is the one published");
        assertThat(current.publish()).isTrue();
        assertThat(current.notPublished()).isNull();
    }

    @Test
    void shouldPublishAPushOnAParentImageThatMovedOnMeanwhileItsChildReBakeTakesThatCommitAlong() {
        currentImages.put("base", "ami-0ddddddddddddddd4");

        assertThat(service().record(request(INVENTORY, "push"), NOW).publish()).isTrue();
    }

    private static Visit visit(String state, long from, long to) {
        Instant start = Instant.parse("2026-11-22T03:00:05Z");
        return new Visit(state, start.plusSeconds(from), Optional.of(start.plusSeconds(to)));
    }
}
