package dev.kiln.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.launch.FailedLaunches;
import dev.kiln.common.testing.InMemoryFailedLaunchLedger;
import dev.kiln.common.release.InvalidReleaseException;
import dev.kiln.common.release.Release;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

class ReleaseServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String BUCKET = "kiln-artifacts";
    private static final String KEY = "releases/web/app-1.4.2.tar.gz";

    @TempDir
    Path dir;

    private final Map<String, byte[]> objects = new HashMap<>();
    private final Map<String, Release> stored = new HashMap<>();
    private final List<Release> puts = new ArrayList<>();
    private final InMemoryFailedLaunchLedger failedLaunches = new InMemoryFailedLaunchLedger();
    private final List<String> resumedGroups = new ArrayList<>();
    private final Map<String, RuntimeException> resumeFails = new HashMap<>();
    private final List<String> goneGroups = new ArrayList<>();

    private final ReleaseService service = new ReleaseService(ReleaseServiceTest::config,
            (bucket, key) -> Optional.ofNullable(objects.get(bucket + "/" + key)).map(ByteArrayInputStream::new),
            new Ports.Releases() {
                @Override
                public Optional<Release> current(String role) {
                    return Optional.ofNullable(stored.get(role));
                }

                @Override
                public long put(Release release) {
                    puts.add(release);
                    stored.put(release.role(), release);
                    return puts.size();
                }
            },
            failedLaunches,
            group -> {
                if (resumeFails.containsKey(group)) {
                    throw resumeFails.get(group);
                }
                resumedGroups.add(group);
                return !goneGroups.contains(group);
            },
            BUCKET, "/kiln/releases/");

    private static KilnConfig config() {
        try {
            return KilnConfigJson.read(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tarball made by tar itself, holding the given files (an executable install when named so). */
    private byte[] tarball(String... files) throws Exception {
        Path work = Files.createTempDirectory(dir, "artifact");
        for (String file : files) {
            Path path = work.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, "#!/bin/sh\necho hello\n");
            path.toFile().setExecutable(file.endsWith("install"));
        }
        Path out = dir.resolve(work.getFileName() + ".tar.gz");
        List<String> command = new ArrayList<>(List.of("tar", "-czf", out.toString(), "-C", work.toString()));
        command.addAll(List.of(files));
        assertThat(new ProcessBuilder(command).start().waitFor()).isZero();
        return Files.readAllBytes(out);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** {@code artifact}, uploaded to the artifact bucket at KEY. */
    private byte[] uploaded(byte[] artifact) {
        objects.put(BUCKET + "/" + KEY, artifact);
        return artifact;
    }

    private ReleaseRequest request(String version, String key, String sha) {
        return new ReleaseRequest("web", version, "s3://" + BUCKET + "/" + key, sha);
    }

    @Test
    void shouldSetAReleaseWhoseArtifactChecksOut() throws Exception {
        byte[] artifact = uploaded(tarball("install", "site/index.html"));

        ReleaseService.Outcome outcome = service.set(request("1.4.2", KEY, sha256(artifact).toUpperCase()), NOW);

        Release expected = new Release("web", "1.4.2", "s3://kiln-artifacts/" + KEY, sha256(artifact), "2026-11-22T10:00:00Z");
        assertThat(outcome).isEqualTo(new ReleaseService.Outcome(expected, null, true, "/kiln/releases/web", 1L, List.of(),
                Map.of()));
        assertThat(puts).containsExactly(expected);
    }

    @Test
    void shouldSayWhichReleaseItReplacedAndChangeNothingWhenSetAgain() throws Exception {
        byte[] first = tarball("install");
        byte[] second = tarball("./install", "README");
        objects.put(BUCKET + "/releases/web/app-1.tar.gz", first);
        objects.put(BUCKET + "/releases/web/app-2.tar.gz", second);
        Release one = service.set(request("1", "releases/web/app-1.tar.gz", sha256(first)), NOW).release();

        ReleaseService.Outcome two = service.set(request("2", "releases/web/app-2.tar.gz", sha256(second)), NOW.plusSeconds(60));
        ReleaseService.Outcome again = service.set(request("2", "releases/web/app-2.tar.gz", sha256(second)), NOW.plusSeconds(120));

        assertThat(two.previous()).isEqualTo(one);
        assertThat(again.changed()).isFalse();
        assertThat(again.release()).isEqualTo(two.release());
        assertThat(puts).hasSize(2);
    }

    @Test
    void shouldResumeTheLaunchesOfTheRolesSuspendedGroupsWhenAnotherReleaseIsSet() throws Exception {
        byte[] artifact = uploaded(tarball("install"));
        suspended("web", "web-blue", "web-green");
        suspended("base", "base-1");
        failedLaunches.items.put("web-counting", new FailedLaunches("web-counting", "web", 2, NOW, null, Set.of("a", "b"),
                "1.4.1", "Kiln.InstallFailed", "b", null, null, 2));

        ReleaseService.Outcome outcome = service.set(request("1.4.2", KEY, sha256(artifact)), NOW);

        assertThat(outcome.resumed()).containsExactly("web-blue", "web-green");
        assertThat(outcome.notResumed()).isEmpty();
        assertThat(resumedGroups).containsExactlyInAnyOrder("web-blue", "web-green");
        FailedLaunches blue = failedLaunches.items.get("web-blue");
        assertThat(blue.suspended()).isFalse();
        assertThat(blue.count()).isZero();
        assertThat(blue.countFrom()).as("failures of instances launched before now are not counted").isEqualTo(NOW);
        assertThat(failedLaunches.items.get("base-1").suspended()).isTrue();
        assertThat(failedLaunches.items.get("web-counting").count()).isEqualTo(2);
    }

    @Test
    void shouldResumeNothingWhenTheSameReleaseIsSetAgain() throws Exception {
        byte[] artifact = uploaded(tarball("install"));
        service.set(request("1.4.2", KEY, sha256(artifact)), NOW);
        suspended("web", "web-blue");

        ReleaseService.Outcome again = service.set(request("1.4.2", KEY, sha256(artifact)), NOW.plusSeconds(60));

        assertThat(again.changed()).isFalse();
        assertThat(again.resumed()).isEmpty();
        assertThat(resumedGroups).isEmpty();
        assertThat(failedLaunches.items.get("web-blue").suspended()).isTrue();
    }

    @Test
    void shouldKeepTheReleaseAndSayWhichGroupsCouldNotBeResumed() throws Exception {
        byte[] artifact = uploaded(tarball("install"));
        suspended("web", "web-blue", "web-gone", "web-throttled");
        goneGroups.add("web-gone");
        resumeFails.put("web-throttled", SdkClientException.create("Rate exceeded"));

        ReleaseService.Outcome outcome = service.set(request("1.4.2", KEY, sha256(artifact)), NOW);

        assertThat(outcome.changed()).isTrue();
        assertThat(puts).hasSize(1);
        assertThat(outcome.resumed()).containsExactly("web-blue");
        assertThat(outcome.notResumed()).containsOnly(
                Map.entry("web-gone", "the group is gone, or no longer tagged kiln:role (Kiln resumes only groups that are)"),
                Map.entry("web-throttled", "Rate exceeded"));
        assertThat(failedLaunches.items).doesNotContainKey("web-gone");
        assertThat(failedLaunches.items.get("web-throttled").suspended()).as("tried again at the next release").isTrue();
    }

    /** {@code role}'s {@code groups}, their launches suspended after five failed installs of 1.4.1. */
    private void suspended(String role, String... groups) {
        for (String group : groups) {
            failedLaunches.items.put(group, new FailedLaunches(group, role, 5, NOW.minusSeconds(600), null, Set.of("e"),
                    "1.4.1", "Kiln.InstallFailed", "e", NOW.minusSeconds(300), "1.4.1", 5));
        }
    }

    @Test
    void shouldRefuseAnArtifactWhoseChecksumIsNotTheOneGivenAndStoreNothing() throws Exception {
        byte[] artifact = uploaded(tarball("install"));

        assertThatThrownBy(() -> service.set(request("1.4.2", KEY, "0".repeat(64)), NOW))
                .isInstanceOf(InvalidReleaseException.class)
                .hasMessage("sha256: the artifact's SHA-256 is " + sha256(artifact) + ", not " + "0".repeat(64)
                        + "; check that the right file was uploaded");
        assertThat(puts).isEmpty();
    }

    @Test
    void shouldRefuseAnArtifactWithoutAnExecutableInstall() throws Exception {
        byte[] artifact = uploaded(tarball("setup.sh", "install.txt"));

        assertThatThrownBy(() -> service.set(request("1.4.2", KEY, sha256(artifact)), NOW))
                .isInstanceOf(InvalidReleaseException.class).hasMessageStartingWith("artifact: it has no executable 'install'");
        assertThat(puts).isEmpty();
    }

    @Test
    void shouldRefuseWhatIsNotATarball() throws Exception {
        byte[] artifact = uploaded("just text".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> service.set(request("1.4.2", KEY, sha256(artifact)), NOW))
                .isInstanceOf(InvalidReleaseException.class).hasMessageStartingWith("the artifact is not a gzip tarball");
    }

    @Test
    void shouldRefuseAMissingArtifactAnotherBucketAndAnUnknownRole() {
        String sha = "a".repeat(64);
        assertThatThrownBy(() -> service.set(request("1.4.2", KEY, sha), NOW))
                .hasMessage("artifact: there is no object s3://kiln-artifacts/" + KEY + "; upload it first");
        assertThatThrownBy(() -> service.set(new ReleaseRequest("web", "1", "s3://elsewhere/" + KEY, sha), NOW))
                .hasMessage("artifact: put it in Kiln's artifact bucket, s3://kiln-artifacts/releases/web/, which the fleet's instances may read");
        assertThatThrownBy(() -> service.set(new ReleaseRequest("api", "1", "s3://kiln-artifacts/releases/api/a.tar.gz", sha), NOW))
                .hasMessage("role: there is no role 'api' in the Kiln configuration; its roles are [base, web]");
        assertThat(puts).isEmpty();
    }

    @Test
    void shouldRefuseARequestWithFieldsItDoesNotKnow() {
        assertThatThrownBy(() -> ReleaseRequest.parse("{\"role\": \"web\", \"env\": \"prod\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidReleaseException.class)
                .hasMessage("env: is not a field of a release (role, version, artifact, sha256)");
    }
}
