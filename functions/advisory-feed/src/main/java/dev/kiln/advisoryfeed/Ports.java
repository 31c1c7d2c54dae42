package dev.kiln.advisoryfeed;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** What the advisory-feed service needs from the world; adapters in this package, fakes in its tests. */
final class Ports {

    private Ports() {
    }

    /** The ALAS site (or a local one in tests). */
    interface Site {

        /**
         * GETs a path below the site's base URL; with validators, a conditional GET.
         *
         * @throws FeedUnavailableException when the site cannot be reached in time or answers other than 200/304
         */
        Page get(String path, Optional<Validators> validators);
    }

    /** What a conditional GET sends back: {@code If-None-Match} and {@code If-Modified-Since}. */
    record Validators(String etag, String lastModified) {
    }

    /** An answer: 304 has no body. */
    record Page(int status, byte[] body, Validators validators) {

        boolean unchanged() {
            return status == 304;
        }
    }

    /** Where each advisory's fate is kept, so that each is announced once. */
    interface Ledger {

        /** How the feed was last read: its validators, and since when it is watched (after its baseline). */
        Optional<FeedState> feed(AmazonLinux feed);

        void saveFeed(AmazonLinux feed, FeedState state);

        /** The state of each known advisory among {@code keys}; unknown ones are absent. */
        Map<String, AdvisoryState> states(Collection<String> keys);

        /** Records advisories the feed listed before Kiln watched it: they are never announced. */
        void baseline(Collection<String> keys, Instant now);

        /** Marks the advisory as being announced (before announcing it), unless it is known already. */
        void claim(String key, Instant now);

        /** Marks the advisory as announced. */
        void announced(String key, String id, Instant now);
    }

    enum AdvisoryState { BASELINE, PENDING, ANNOUNCED }

    /** @param watchedSince when Kiln began announcing this feed's advisories; empty before its first read */
    record FeedState(Optional<Validators> validators, Optional<Instant> watchedSince) {
    }

    /** Announces an advisory once: a second call with the same name does nothing and says so. */
    interface Announcer {

        /** @return false when an announcement of this name was made before (nothing is announced again) */
        boolean announce(String name, String detail);
    }

    /** Counts for dashboards and alarms (CloudWatch embedded metric format in production). */
    interface Metrics {

        void count(String metric, AmazonLinux feed, int value);
    }
}
