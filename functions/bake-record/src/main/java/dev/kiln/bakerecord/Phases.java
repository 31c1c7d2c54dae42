package dev.kiln.bakerecord;

import dev.kiln.common.workflow.StateVisits.Visit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the bake state machine's states into the steps people talk about, by the prefix of their
 * names in statemachines/bake.asl.json (e.g. ProvisionSend, ProvisionWait, ProvisionCheck are "provision").
 */
final class Phases {

    static final Map<String, String> BY_PREFIX = new LinkedHashMap<>();

    static {
        BY_PREFIX.put("Plan", "plan");
        BY_PREFIX.put("Source", "source");
        BY_PREFIX.put("Parent", "source");
        BY_PREFIX.put("Launch", "launch");
        BY_PREFIX.put("Ssm", "ssm");
        BY_PREFIX.put("Provision", "provision");
        BY_PREFIX.put("Record", "record");
        BY_PREFIX.put("Stop", "stop");
        BY_PREFIX.put("Image", "image");
        BY_PREFIX.put("Tests", "tests");
    }

    private Phases() {
    }

    /** Seconds spent in each step, in the order the steps happen; steps not reached are left out. */
    static Map<String, Long> durations(List<Visit> visits) {
        Map<String, Long> seconds = new LinkedHashMap<>();
        BY_PREFIX.values().forEach(phase -> seconds.putIfAbsent(phase, 0L));
        Map<String, Long> millis = new LinkedHashMap<>();
        for (Visit visit : visits) {
            BY_PREFIX.entrySet().stream()
                    .filter(e -> visit.state().startsWith(e.getKey()))
                    .findFirst()
                    .ifPresent(e -> millis.merge(e.getValue(), visit.duration().toMillis(), Long::sum));
        }
        seconds.replaceAll((phase, zero) -> millis.containsKey(phase) ? Math.round(millis.get(phase) / 1000.0) : -1);
        seconds.values().removeIf(value -> value < 0);
        return seconds;
    }
}
