package dev.kiln.common.launch;

import java.time.Instant;
import java.util.Set;

/**
 * One Auto Scaling group's launches that failed in a row (launch ABANDONed them), and whether Kiln
 * suspended the group's Launch process for it.
 *
 * @param role             the group's role, when the failed launches knew it (a launch that could not be
 *                         planned does not)
 * @param count            failed launches in this run, none succeeding between them
 * @param since            when the run's first failure was counted
 * @param countFrom        failures of instances launched before this are not counted (they were launched before
 *                         the group was resumed); none when null
 * @param executions       the launch executions counted in this run: a failure is counted once
 * @param release          the release version the last failed launch installed; none when null
 * @param lastFailure      the last failure's error and cause, in a line
 * @param lastExecution    the last counted launch execution
 * @param suspendedAt      when Kiln suspended the group's Launch process; not suspended when null
 * @param suspendedRelease the release version the group was suspended on; none when null
 * @param version          the stored item's version, for conditional writes (0: not stored yet)
 */
public record FailedLaunches(
        String group,
        String role,
        int count,
        Instant since,
        Instant countFrom,
        Set<String> executions,
        String release,
        String lastFailure,
        String lastExecution,
        Instant suspendedAt,
        String suspendedRelease,
        long version) {

    public FailedLaunches {
        executions = Set.copyOf(executions);
    }

    public boolean suspended() {
        return suspendedAt != null;
    }
}
