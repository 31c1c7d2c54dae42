package dev.kiln.common.bake;

import java.time.Instant;
import java.util.Optional;

/**
 * Which bakes have run: one entry per role, commit and variant (advisories applied, parent image), so
 * that a repeated event or a second start of the same bake is a no-op, while a bake that failed may be
 * tried again.
 */
public interface BakeLedger {

    enum Status { RUNNING, SUCCEEDED, FAILED }

    /** An entry: the execution that holds the bake, and how it went. */
    record Entry(String bakeKey, String executionArn, Status status, String role, String sha,
                 Instant startedAt, Optional<String> imageId) {
    }

    /**
     * Claims {@code bakeKey} for {@code executionArn} unless another execution holds it: running,
     * or already succeeded. A failed bake, or one whose execution ended without saying so, is taken over.
     *
     * @return empty when the claim is granted, else the entry of the execution that holds the bake
     */
    Optional<Entry> claim(Entry entry, ExecutionStatus executions);

    /** Records how the bake held by {@code executionArn} ended. */
    void finish(String bakeKey, String executionArn, Status status, Optional<String> imageId, Instant at);

    /** The image published as {@code role}'s current one ({@code current#<role>}), if any. */
    Optional<String> currentImage(String role);

    /** Tells whether an execution still runs, to recognise a claim left behind by an aborted bake. */
    @FunctionalInterface
    interface ExecutionStatus {
        boolean isRunning(String executionArn);
    }
}
