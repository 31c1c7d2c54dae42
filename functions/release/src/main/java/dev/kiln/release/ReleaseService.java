package dev.kiln.release;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.launch.FailedLaunchLedger;
import dev.kiln.common.launch.FailedLaunches;
import dev.kiln.common.release.InvalidReleaseException;
import dev.kiln.common.release.Release;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Sets a role's release after checking everything a launching instance would trip over: the role
 * exists, the artifact is in Kiln's bucket under {@code releases/<role>/}, it is a gzip tarball with
 * an executable {@code install} at its top, and its SHA-256 is the one given. Nothing is stored when
 * a check fails. Setting the current release again changes nothing. Setting another one resumes the
 * launches of the role's groups that launch-guard suspended (their launches kept failing on the release
 * before); a group that cannot be resumed is reported, and the release stays set.
 */
public record ReleaseService(ConfigSource configs, Ports.Artifacts artifacts, Ports.Releases releases,
                             FailedLaunchLedger failedLaunches, Ports.Groups groups, String artifactsBucket,
                             String parameterPrefix) {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseService.class);

    /**
     * What was set, what it replaced (null when the role had no release), the suspended groups whose launches
     * were resumed, and those that could not be (with the reason).
     */
    public record Outcome(Release release, Release previous, boolean changed, String parameter, Long parameterVersion,
                          List<String> resumed, Map<String, String> notResumed) {
    }

    public Outcome set(ReleaseRequest request, Instant now) {
        KilnConfig config = configs.current();
        if (request.role() != null && config.role(request.role()).isEmpty()) {
            throw new InvalidReleaseException("role: there is no role '" + request.role() + "' in the Kiln configuration;"
                    + " its roles are " + config.roles().stream().map(KilnConfig.Role::name).toList());
        }
        Release release = new Release(request.role(), request.version(), request.artifact(),
                request.sha256() == null ? null : request.sha256().toLowerCase(), now.toString());
        if (!release.bucket().equals(artifactsBucket)) {
            throw new InvalidReleaseException("artifact: put it in Kiln's artifact bucket, s3://" + artifactsBucket
                    + "/releases/" + release.role() + "/, which the fleet's instances may read");
        }
        Optional<Release> previous = releases.current(release.role());
        if (previous.isPresent() && sameRelease(previous.get(), release)) {
            LOG.info("That release is already the role's current one", entry("role", release.role()),
                    entry("version", release.version()));
            return new Outcome(previous.get(), previous.get(), false, parameterPrefix + release.role(), null, List.of(),
                    Map.of());
        }

        ArtifactCheck.Findings findings;
        try (InputStream artifact = artifacts.open(release.bucket(), release.key()).orElseThrow(() ->
                new InvalidReleaseException("artifact: there is no object " + release.artifact() + "; upload it first"))) {
            findings = ArtifactCheck.read(artifact);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + release.artifact(), e);
        }
        if (!findings.sha256().equals(release.sha256())) {
            throw new InvalidReleaseException("sha256: the artifact's SHA-256 is " + findings.sha256() + ", not "
                    + release.sha256() + "; check that the right file was uploaded");
        }
        if (!findings.hasInstall()) {
            throw new InvalidReleaseException("artifact: it has no executable 'install' at its top; Kiln runs ./install"
                    + " from the unpacked artifact");
        }
        long version = releases.put(release);
        LOG.info("Release set", entry("role", release.role()), entry("version", release.version()),
                entry("sha256", release.sha256()), entry("bytes", findings.bytes()),
                entry("previous", previous.map(Release::version).orElse(null)));
        List<String> resumed = new ArrayList<>();
        Map<String, String> notResumed = new TreeMap<>();
        for (FailedLaunches suspended : failedLaunches.suspended(release.role())) {
            resume(suspended, release, now).ifPresentOrElse(reason -> notResumed.put(suspended.group(), reason),
                    () -> resumed.add(suspended.group()));
        }
        Collections.sort(resumed);
        return new Outcome(release, previous.orElse(null), true, parameterPrefix + release.role(), version, resumed,
                notResumed);
    }

    /**
     * Resumes a suspended group's launches; failures of instances launched before now are not counted again.
     *
     * @return why the group was not resumed; empty when it was
     */
    private Optional<String> resume(FailedLaunches suspended, Release release, Instant now) {
        try {
            if (!groups.resumeLaunches(suspended.group())) {
                failedLaunches.forget(suspended);
                return Optional.of("the group is gone, or no longer tagged kiln:role (Kiln resumes only groups that are)");
            }
        } catch (SdkException e) {
            LOG.warn("Could not resume a suspended group's launches", entry("group", suspended.group()),
                    entry("reason", e.getMessage()));
            return Optional.of(e.getMessage());
        }
        failedLaunches.write(new FailedLaunches(suspended.group(), suspended.role(), 0, now, now, Set.of(),
                release.version(), null, null, null, null, suspended.version() + 1));
        LOG.info("Suspended launches resumed", entry("group", suspended.group()), entry("role", release.role()),
                entry("suspendedAt", suspended.suspendedAt().toString()), entry("release", release.version()));
        return Optional.empty();
    }

    private static boolean sameRelease(Release a, Release b) {
        return a.version().equals(b.version()) && a.artifact().equals(b.artifact()) && a.sha256().equals(b.sha256());
    }
}
