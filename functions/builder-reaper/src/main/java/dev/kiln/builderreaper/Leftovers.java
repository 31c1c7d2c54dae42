package dev.kiln.builderreaper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What Kiln's bakes may leave behind in EC2, and how to remove it. */
public interface Leftovers {

    /** A builder instance that is not terminated: its tags say which bake it belongs to. */
    record Builder(String instanceId, Instant launchedAt, Map<String, String> tags) {
    }

    /** An image a bake made; {@code snapshotIds} go with it. */
    record Image(String imageId, Instant createdAt, Map<String, String> tags, List<String> snapshotIds) {
    }

    List<Builder> builders();

    void terminate(List<String> instanceIds);

    /** Images tagged kiln:build-id that the images table has no record of (never finished). */
    List<Image> unrecordedImages();

    void remove(Image image);

    /** The status of an execution, or empty when Step Functions does not know it. */
    Optional<String> executionStatus(String executionArn);
}
