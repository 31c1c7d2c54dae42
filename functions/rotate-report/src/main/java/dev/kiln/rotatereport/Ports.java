package dev.kiln.rotatereport;

import java.util.List;

/** What rotate-report reads and writes; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** rotate-plan's groups.json. */
    interface PlannedGroups {

        /** The object's body; a {@link dev.kiln.rotatereport.errors.PlanNotFoundException} when there is none. */
        String read(String bucket, String key);
    }

    /**
     * One item of the rotations table: the group, its outcome as recorded (a JSON object string, or null)
     * and when it was recorded (null when not said).
     */
    record Recorded(String asg, String outcome, String recordedAt) {
    }

    /** Every group's recorded outcome. */
    interface Outcomes {

        List<Recorded> of(String rotation);
    }

    interface ReportStore {

        void put(String bucket, String key, String json);
    }

    /**
     * What the advisories ledger keeps of the rotation a patch asked for.
     *
     * @param fleets  a JSON object, each group's outcome by its name
     * @param summary the subject people were sent
     */
    record Rotated(String rotation, String rotatedAt, long instancesReplaced, String fleets, String summary) {
    }

    interface AdvisoryLedger {

        /** Records the rotation on the advisory's {@code patch#<id>} item; false when there is no such item. */
        boolean recordRotation(String advisory, Rotated rotated);
    }
}
