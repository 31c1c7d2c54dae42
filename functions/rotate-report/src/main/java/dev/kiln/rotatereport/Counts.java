package dev.kiln.rotatereport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How many groups of a rotation ended which way, and so the rotation's status. */
record Counts(int succeeded, int rolledBack, int failed, int timedOut, int skipped) {

    static Counts of(List<Outcome> outcomes) {
        Map<String, Integer> n = new LinkedHashMap<>();
        outcomes.forEach(o -> n.merge(o.outcome(), 1, Integer::sum));
        return new Counts(n.getOrDefault(Outcome.SUCCEEDED, 0), n.getOrDefault(Outcome.ROLLED_BACK, 0),
                n.getOrDefault(Outcome.FAILED, 0), n.getOrDefault(Outcome.TIMED_OUT, 0), n.getOrDefault(Outcome.SKIPPED, 0));
    }

    int notRotated() {
        return rolledBack + failed + timedOut;
    }

    int total() {
        return succeeded + rolledBack + failed + timedOut + skipped;
    }

    String status() {
        return notRotated() == 0 ? "SUCCEEDED" : succeeded == 0 ? "FAILED" : "PARTIAL";
    }
}
