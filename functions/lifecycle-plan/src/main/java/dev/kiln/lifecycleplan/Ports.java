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

    /** Lifecycle actions already being handled, by their token. */
    interface Actions {

        /** Claims the action for this execution; empty when it is new, else the execution that holds it. */
        Optional<String> claim(String token, String instanceId, String executionArn, Instant now);
    }
}
