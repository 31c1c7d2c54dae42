package dev.kiln.common.testing;

import dev.kiln.common.launch.FailedLaunchLedger;
import dev.kiln.common.launch.FailedLaunches;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link FailedLaunchLedger} in memory, with DynamoDB's conditional writes. */
public class InMemoryFailedLaunchLedger implements FailedLaunchLedger {

    public final Map<String, FailedLaunches> items = new TreeMap<>();

    @Override
    public Optional<FailedLaunches> read(String group) {
        return Optional.ofNullable(items.get(group));
    }

    @Override
    public boolean write(FailedLaunches next) {
        long stored = read(next.group()).map(FailedLaunches::version).orElse(0L);
        if (stored != next.version() - 1) {
            return false;
        }
        items.put(next.group(), next);
        return true;
    }

    @Override
    public List<FailedLaunches> suspended(String role) {
        return items.values().stream().filter(f -> role.equals(f.role()) && f.suspended()).toList();
    }

    @Override
    public void forget(FailedLaunches read) {
        items.remove(read.group(), read);
    }
}
