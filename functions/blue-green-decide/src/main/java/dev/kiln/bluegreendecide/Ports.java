package dev.kiln.bluegreendecide;

import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.bluegreen.Approvals.State;
import java.time.Instant;
import java.util.Optional;

/** Where blue-green-decide finds a wait and how it ends it; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** The releases table's waits (common's Approvals). */
    interface Waits {

        Optional<Approval> get(String id);

        /** The id of the wait the role's release is in, or was in last. */
        Optional<String> waiting(String role);

        /** Decides a pending wait; false when it was decided already. */
        boolean decide(String id, State state, String by, Instant at);
    }

    /** Step Functions: the waiting task's result. Each returns false when the task no longer waits (timed out, ended). */
    interface Tasks {

        boolean succeed(String token, String output);

        boolean fail(String token, String error, String cause);
    }
}
