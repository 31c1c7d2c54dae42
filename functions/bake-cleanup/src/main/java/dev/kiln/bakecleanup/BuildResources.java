package dev.kiln.bakecleanup;

import java.time.Instant;
import java.util.List;

/** The EC2 resources a bake made, found by their {@code kiln:build-id} tag. */
public interface BuildResources {

    record Image(String imageId, List<String> snapshotIds) {
    }

    /** Builder instances of the build that are not terminated (or terminating). */
    List<String> builders(String buildId);

    void terminate(List<String> instanceIds);

    /** Tags the builders {@code kiln:expires-at}; the reaper terminates them after that. */
    void keepUntil(List<String> instanceIds, Instant expiresAt);

    List<Image> images(String buildId);

    void deregister(String imageId);

    /** Snapshots of the build, including ones no image refers to (CreateImage stopped halfway). */
    List<String> snapshots(String buildId);

    void deleteSnapshot(String snapshotId);
}
