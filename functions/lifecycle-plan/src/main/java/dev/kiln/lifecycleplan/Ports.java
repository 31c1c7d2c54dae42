package dev.kiln.lifecycleplan;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What lifecycle-plan reads and writes. */
final class Ports {

    private Ports() {
    }

    interface Instances {

        /** The instance's tags; empty when there is no such instance. */
        Optional<Map<String, String>> tags(String instanceId);
    }

    /** The releases blue/green pinned on the colours of its roles (common's ColourReleases). */
    interface ColourReleases {

        /** The release's JSON (empty: none); empty when no blue/green release ever pinned one on the colour. */
        Optional<String> pinned(String role, String colour);
    }

    /** Lifecycle actions already being handled, by their token. */
    interface Actions {

        /** Claims the action for this execution; empty when it is new, else the execution that holds it. */
        Optional<String> claim(String token, String instanceId, String executionArn, Instant now);
    }
}
