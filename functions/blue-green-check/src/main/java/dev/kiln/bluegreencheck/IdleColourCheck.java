package dev.kiln.bluegreencheck;

import dev.kiln.bluegreencheck.CheckRequest.Instance;
import dev.kiln.bluegreencheck.CheckRequest.Target;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether the idle colour is ready to be previewed: as many instances as it wants in service (each passed the
 * launch workflow: Auto Scaling holds an instance in Pending:Wait until the workflow says CONTINUE) and
 * healthy, each healthy in the colour's target group.
 */
final class IdleColourCheck {

    /** The answer: {@code ready}; the instances in service (where the smoke checks run); how far; what stops it. */
    record Answer(boolean ready, List<String> instances, String status, String problem) {
    }

    private IdleColourCheck() {
    }

    static Answer check(CheckRequest request) {
        List<String> inService = request.instances().stream()
                .filter(i -> i.lifecycleState().equals("InService") && i.healthStatus().equals("Healthy"))
                .map(Instance::id).sorted().toList();
        Map<String, Target> targets = request.targets().stream().collect(Collectors.toMap(Target::id, Function.identity(), (a, b) -> a));
        long healthy = inService.stream().filter(id -> targets.containsKey(id) && targets.get(id).state().equals("healthy")).count();
        String status = inService.size() + " of " + request.desired() + " instances in service, " + healthy
                + " healthy in the target group" + waiting(request, inService, targets);
        if (request.suspended().contains("Launch")) {
            return new Answer(false, inService, status, "launches of " + request.group() + " keep failing: its Launch process is"
                    + " suspended (launch-guard suspends a group whose launches are abandoned again and again; see its launch"
                    + " executions) - " + status);
        }
        boolean ready = request.desired() > 0 && inService.size() >= request.desired() && healthy == inService.size();
        return new Answer(ready, inService, status, null);
    }

    /** What the instances not yet ready wait for: their lifecycle state, or their target's state and AWS's reason. */
    private static String waiting(CheckRequest request, List<String> inService, Map<String, Target> targets) {
        List<String> notReady = request.instances().stream().map(instance -> {
            if (!inService.contains(instance.id())) {
                return instance.id() + " " + instance.lifecycleState();
            }
            Target target = targets.get(instance.id());
            if (target == null) {
                return instance.id() + " not registered";
            }
            return target.state().equals("healthy") ? null
                    : instance.id() + " " + target.state() + (target.reason() == null ? "" : " (" + target.reason() + ")");
        }).filter(s -> s != null).sorted().toList();
        return notReady.isEmpty() ? "" : "; waiting for " + String.join(", ", notReady);
    }
}
