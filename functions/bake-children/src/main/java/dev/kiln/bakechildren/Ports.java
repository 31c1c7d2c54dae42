package dev.kiln.bakechildren;

import java.util.Optional;

/** Where bake-children reads and what it starts. */
final class Ports {

    private Ports() {
    }

    /** The commit (and when it was pushed) of a role's published image. */
    record Current(String sha, String pushedAt) {
    }

    interface PublishedImages {
        Optional<Current> current(String role);
    }

    interface Bakes {

        /** Starts a bake execution; false when an execution of that name exists already (a repeated event). */
        boolean start(String name, String input);
    }
}
