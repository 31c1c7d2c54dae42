package dev.kiln.patchplan;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** What patch-plan reads and writes; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** A role's published image as the publish guard keeps it: image, commit, and when that commit was pushed. */
    record Published(String imageId, String sha, String pushedAt) {
    }

    interface PublishedImages {

        Optional<Published> current(String role);
    }

    /** What an image carries: its packages and the source packages they come from. */
    record Contents(Set<String> packages, Set<String> sources) {
    }

    interface Inventories {

        /** Empty when Kiln recorded no inventory for the image. */
        Optional<Contents> of(String imageId);
    }

    /** Who holds an advisory's patch, and how far it got: PATCHING while it runs, then what it recorded. */
    record Holder(String executionArn, String state) {
    }

    /** One patch per advisory; one that ended INCOMPLETE may be run again. */
    interface Claims {

        /** @return who holds the advisory's patch when it is not this execution */
        Optional<Holder> claim(String advisoryId, String executionArn, Instant now);

        /** Takes the patch over from a holder that stopped while PATCHING; false when someone else was quicker. */
        boolean takeOver(String advisoryId, Holder stopped, String executionArn, Instant now);
    }

    /** Whether an execution still runs. */
    interface Executions {

        boolean running(String executionArn);
    }
}
