package dev.kiln.rotategroup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.rotategroup.errors.InvalidGroupRequestException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * rotate's payload for one group: {@code {"item": {"asg", "role", "imageId"}, "groups": <AutoScalingGroups
 * of DescribeAutoScalingGroups for that name>, "refreshes": <InstanceRefreshes of DescribeInstanceRefreshes,
 * newest first>}}, with the Auto Scaling parts exactly as the API names them.
 *
 * @param group         empty when Auto Scaling no longer knows the group
 * @param newestRefresh the group's newest instance refresh, if it ever had one
 */
public record GroupRequest(Item item, Optional<Group> group, Optional<Refresh> newestRefresh) {

    private static final Pattern ASG = Pattern.compile("[^\\p{Cntrl}]{1,255}");
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");

    /** A group rotate-plan chose, with its role and the role's published image. */
    public record Item(String asg, String role, String imageId) {
    }

    /**
     * @param launchTemplate       the group's launch template (its own, or its mixed instances policy's);
     *                             empty when it uses a launch configuration
     * @param mixedInstancesPolicy the group's policy as Auto Scaling describes it, or null when it has none
     * @param suspendedProcesses   the group's suspended processes (SuspendedProcesses), none when empty
     */
    public record Group(String name, Optional<TemplateSpec> launchTemplate, ObjectNode mixedInstancesPolicy,
                        List<SuspendedProcess> suspendedProcesses) {

        public Group {
            suspendedProcesses = List.copyOf(suspendedProcesses);
        }
    }

    /** A SuspendedProcess: the process, and why (e.g. "User suspended at 2026-12-06T03:00:00Z"; null when not said). */
    public record SuspendedProcess(String name, String reason) {
    }

    /** A LaunchTemplateSpecification: id or name (or both), and the version as the group names it. */
    public record TemplateSpec(String id, String name, String version) {
    }

    public record Refresh(String id, String status) {
    }

    public static GroupRequest parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidGroupRequestException("the payload must be a JSON object with item, groups and refreshes");
        }
        JsonNode item = payload.path("item");
        String asg = text(item, "asg", ASG, "an Auto Scaling group name (1 to 255 characters)");
        String role = text(item, "role", ROLE, "a role name");
        String imageId = text(item, "imageId", AMI, "an AMI id (ami-...)");

        JsonNode groups = payload.get("groups");
        if (groups == null || !groups.isArray()) {
            throw new InvalidGroupRequestException("groups: must be the AutoScalingGroups array of DescribeAutoScalingGroups, got "
                    + (groups == null ? "nothing" : groups.getNodeType().toString().toLowerCase()));
        }
        Optional<Group> group = StreamSupport.stream(groups.spliterator(), false)
                .filter(g -> asg.equals(g.path("AutoScalingGroupName").asText()))
                .findFirst()
                .map(g -> group(asg, g));

        JsonNode refreshes = payload.get("refreshes");
        if (refreshes != null && !refreshes.isNull() && !refreshes.isArray()) {
            throw new InvalidGroupRequestException("refreshes: must be the InstanceRefreshes array of DescribeInstanceRefreshes");
        }
        // no refreshes at all: the group was never refreshed
        Optional<Refresh> newest = refreshes == null || refreshes.isEmpty() ? Optional.empty()
                : Optional.of(new Refresh(refreshes.get(0).path("InstanceRefreshId").asText(null),
                        refreshes.get(0).path("Status").asText(null)));
        return new GroupRequest(new Item(asg, role, imageId), group, newest);
    }

    private static Group group(String asg, JsonNode node) {
        List<SuspendedProcess> suspended = StreamSupport.stream(node.path("SuspendedProcesses").spliterator(), false)
                .map(p -> new SuspendedProcess(p.path("ProcessName").asText(),
                        p.path("SuspensionReason").asText("").isBlank() ? null : p.path("SuspensionReason").asText()))
                .toList();
        JsonNode mixed = node.get("MixedInstancesPolicy");
        if (mixed != null && mixed.isObject()) {
            return new Group(asg, Optional.of(spec(mixed.path("LaunchTemplate").path("LaunchTemplateSpecification"),
                    "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification")), (ObjectNode) mixed, suspended);
        }
        JsonNode template = node.get("LaunchTemplate");
        if (template != null && template.isObject()) {
            return new Group(asg, Optional.of(spec(template, "LaunchTemplate")), null, suspended);
        }
        return new Group(asg, Optional.empty(), null, suspended);
    }

    private static TemplateSpec spec(JsonNode node, String path) {
        String id = node.path("LaunchTemplateId").asText(null);
        String name = node.path("LaunchTemplateName").asText(null);
        if (id == null && name == null) {
            throw new InvalidGroupRequestException("groups[0]." + path + ": names neither LaunchTemplateId nor LaunchTemplateName");
        }
        // a group that names no version launches the template's default version
        return new TemplateSpec(id, name, node.path("Version").asText("$Default"));
    }

    private static String text(JsonNode node, String field, Pattern pattern, String expected) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidGroupRequestException("item." + field + ": must be " + expected + ", got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asText();
    }
}
