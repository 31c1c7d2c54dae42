package dev.kiln.lifecycleplan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.common.workflow.Poll;
import java.util.List;
import java.util.Map;

/**
 * Everything launch and drain need after their first state. {@code action} carries the fields of
 * Auto Scaling's CompleteLifecycleAction and RecordLifecycleActionHeartbeat under the API's own names;
 * a command that is absent is not run.
 *
 * @param phase {@code prepare} (into a warm pool: install, do not start), {@code finish} (into service)
 *              or {@code drain}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LifecyclePlan(
        boolean duplicate,
        String heldBy,
        String workflow,
        String phase,
        Action action,
        String instanceId,
        String role,
        InstalledRelease release,
        Commands commands,
        Polls polls,
        Logs logs) {

    static LifecyclePlan duplicateOf(String heldBy, String workflow, String instanceId) {
        return new LifecyclePlan(true, heldBy, workflow, null, null, instanceId, null, null, null, null, null);
    }

    public record Action(String AutoScalingGroupName, String LifecycleHookName, String LifecycleActionToken,
                         String InstanceId) {
    }

    /** The release to have on the instance; the workflow compares its sha256 with what the instance has. */
    public record InstalledRelease(String version, String sha256, String artifact) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Commands(Command inspect, Command install, Command start, Command health, Command drain) {
    }

    /** One Run Command invocation: {@code parameters} is AWS-RunShellScript's (commands, executionTimeout). */
    public record Command(String step, Map<String, List<String>> parameters, String outputPrefix, String failure) {
    }

    /**
     * How each wait asks (Systems Manager, then each command); a heartbeat goes to Auto Scaling after every
     * {@code heartbeatSeconds} of waiting. Each wait has a budget of {@link #MAX_CHECKS} asks, so five waits
     * and their heartbeats never outgrow one execution's history however long their timeouts.
     */
    public record Polls(Poll ssm, Poll inspect, Poll install, Poll start, Poll health, Poll drain, int heartbeatSeconds) {
        public static final int MAX_CHECKS = 100;
    }

    public record Logs(String bucket, String prefix, String uri) {
    }
}
