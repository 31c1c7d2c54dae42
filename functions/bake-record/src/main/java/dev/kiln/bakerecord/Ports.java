package dev.kiln.bakerecord;

import java.time.Instant;
import java.util.Optional;

/** Where bake-record reads and writes. */
final class Ports {

    private Ports() {
    }

    /** The artifact bucket: Run Command's full output, and the manifests of baked images. */
    interface Artifacts {

        /** The full stdout of a command that wrote its output under {@code prefix}, if it is there. */
        Optional<String> commandStdout(String bucket, String prefix, String commandId, String instanceId);

        /** Stores the manifest and returns its s3:// location. */
        String putManifest(String bucket, String role, String imageId, String json);
    }

    interface ImageStore {
        void save(ImageRecord record);
    }

    /** The image published for a role now, as the publish guard recorded it (consistent read). */
    interface CurrentImages {
        Optional<String> imageOf(String role);
    }

    /** The image published for a role, as far as the publish guard knows. */
    record Published(String imageId, String sha, Instant pushedAt) {
    }

    /**
     * Lets an image be published only if no image of a later push of the role has been: two commits
     * racing each other end with the newer one's image, whichever bake finishes last.
     */
    interface PublishGuard {

        /** Empty when {@code candidate} may be published (and is now the role's), else the newer one. */
        Optional<Published> admit(String role, Published candidate);
    }
}
