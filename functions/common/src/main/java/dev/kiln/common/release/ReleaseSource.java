package dev.kiln.common.release;

import java.util.Optional;

/** Where a role's current release is read from. */
@FunctionalInterface
public interface ReleaseSource {

    /** The role's current release; empty when none was ever set. A stored release that is not valid is refused. */
    Optional<Release> current(String role);
}
