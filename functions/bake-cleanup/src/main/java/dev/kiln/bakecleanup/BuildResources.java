package dev.kiln.bakecleanup;

import java.time.Instant;
import java.util.List;

/**
 * The EC2 resources a bake made, found by their {@code kiln:build-id} tag and only when their
 * {@code kiln:execution} tag is the bake's own: another execution's resources are never touched.
 */
public interface BuildResources {

    /** A bake's build id and the execution that made it. */
    record Build(String buildId, String executionArn) {
    }

    record Image(String imageId, List<String> snapshotIds) {
    }

    /** Builder instances of the build that are not terminated (or terminating). */
    List<String> builders(Build build);

    /** Every builder instance the build ever had, terminated ones too. */
    List<String> allBuilders(Build build);

    void terminate(List<String> instanceIds);

    /** Tags the builders {@code kiln:expires-at}; the reaper terminates them after that. */
    void keepUntil(List<String> instanceIds, Instant expiresAt);

    List<Image> images(Build build);

    void deregister(String imageId);

    /**
     * Snapshots CreateImage made from these instances, found by the description EC2 gives them
     * ("Created by CreateImage(i-...) for ami-..."), including ones no image refers to any more.
     */
    List<String> snapshotsOf(List<String> instanceIds);

    void deleteSnapshot(String snapshotId);
}
