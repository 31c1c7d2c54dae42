package dev.kiln.release;

import dev.kiln.common.release.Release;
import java.io.InputStream;
import java.util.Optional;

/** What setting a release reads and writes. */
final class Ports {

    private Ports() {
    }

    /** Release artifacts in Kiln's bucket. */
    interface Artifacts {

        /** The artifact's content, or empty when there is no such object. */
        Optional<InputStream> open(String bucket, String key);
    }

    /** Where each role's current release is kept. */
    interface Releases {

        Optional<Release> current(String role);

        /** Stores the release as the role's current one; returns the parameter's new version. */
        long put(Release release);
    }

    /** Auto Scaling groups. */
    interface Groups {

        /**
         * Resumes the group's Launch process (ResumeProcesses; harmless when it runs).
         *
         * @return false when there is no such group any more, or it is no longer tagged {@code kiln:role} (Kiln
         *         may resume only the groups that are)
         */
        boolean resumeLaunches(String group);
    }
}
