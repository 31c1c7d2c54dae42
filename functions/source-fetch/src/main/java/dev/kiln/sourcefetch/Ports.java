package dev.kiln.sourcefetch;

import dev.kiln.common.config.KilnConfig;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Where source-fetch reads and writes. */
final class Ports {

    private Ports() {
    }

    /** Source bundles in the artifact bucket. */
    interface Bundles {

        /** The bundle's size in bytes, or empty when there is none. */
        OptionalLong size(String bucket, String key);

        /** Stores the file as the bundle unless one is there already; false when one was. */
        boolean put(String bucket, String key, Path file);
    }

    /** Commit tarballs from GitHub's API. */
    interface Tarballs {

        /** Downloads the tarball of {@code sha} into {@code target}; returns its size in bytes. */
        long download(KilnConfig.Repository repository, String sha, Path target);
    }
}
