package dev.kiln.common.launch;

import java.util.List;
import java.util.Optional;

/**
 * Each Auto Scaling group's run of failed launches ({@link FailedLaunches}), one item per group.
 * launch-guard counts failures and suspends; release resumes; the launch state machine deletes a
 * group's item when one of its launches succeeds, unless the group is suspended (state
 * {@code ForgetFailedLaunches}, on the attributes named here).
 */
public interface FailedLaunchLedger {

    /** The table's key. */
    String GROUP = "group";
    /** Present while Kiln holds the group's Launch process suspended. */
    String SUSPENDED_AT = "suspendedAt";

    Optional<FailedLaunches> read(String group);

    /**
     * Stores {@code next} if the group's item is still the one read ({@code next.version() - 1}; none
     * when next's version is 1).
     *
     * @return false when another writer came first: read again and decide again
     */
    boolean write(FailedLaunches next);

    /** The groups of {@code role} whose Launch process Kiln suspended. */
    List<FailedLaunches> suspended(String role);

    /** Forgets the group (it is gone), if its item is still the one read. */
    void forget(FailedLaunches read);
}
