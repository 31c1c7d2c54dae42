package dev.kiln.bluegreencheck;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreencheck.errors.InvalidCheckPayloadException;
import dev.kiln.common.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * blue-green-check's payload: {@code {"group": <DescribeAutoScalingGroups' group>, "targets":
 * <DescribeTargetHealth's TargetHealthDescriptions>, "desired": <the live colour's desired capacity>}}, as the
 * state machine's SDK integrations give them (AWS's field names).
 */
record CheckRequest(String group, List<Instance> instances, List<String> suspended, List<Target> targets, int desired) {

    /** One of the group's instances: its lifecycle state and Auto Scaling's health status. */
    record Instance(String id, String lifecycleState, String healthStatus) {
    }

    /** One target of the target group: its id and health state, and AWS's reason when it is not healthy. */
    record Target(String id, String state, String reason) {
    }

    static CheckRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidCheckPayloadException("the payload must be {\"group\", \"targets\", \"desired\"}");
        }
        JsonNode group = payload.get("group");
        Json.require(InvalidCheckPayloadException::new, "the payload", "group", group, "targets", payload.get("targets"),
                "desired", payload.get("desired"));
        if (!payload.get("desired").canConvertToInt() || payload.get("desired").asInt() < 0) {
            throw new InvalidCheckPayloadException("desired: must be a count of instances, got " + payload.get("desired"));
        }
        Json.require(InvalidCheckPayloadException::new, "the group", "AutoScalingGroupName", group.get("AutoScalingGroupName"));
        List<Instance> instances = new ArrayList<>();
        group.path("Instances").forEach(i -> instances.add(new Instance(i.path("InstanceId").asText(),
                i.path("LifecycleState").asText(), i.path("HealthStatus").asText())));
        List<String> suspended = new ArrayList<>();
        group.path("SuspendedProcesses").forEach(p -> suspended.add(p.path("ProcessName").asText()));
        List<Target> targets = new ArrayList<>();
        payload.get("targets").forEach(t -> targets.add(new Target(t.path("Target").path("Id").asText(),
                t.path("TargetHealth").path("State").asText(), t.path("TargetHealth").path("Reason").asText(null))));
        return new CheckRequest(group.get("AutoScalingGroupName").asText(), instances, suspended, targets,
                payload.get("desired").asInt());
    }
}
