package dev.kiln.bluegreenplan;

import dev.kiln.bluegreenplan.Ports.Group;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;

/** The colours' groups, from Auto Scaling. */
record AwsGroups(AutoScalingClient autoScaling) implements Ports.Groups {

    @Override
    public Optional<Group> group(String name) {
        return autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream()
                .filter(g -> g.autoScalingGroupName().equals(name)).findFirst().map(AwsGroups::group);
    }

    static Group group(AutoScalingGroup group) {
        var template = group.launchTemplate();
        return new Group(group.autoScalingGroupName(), group.minSize(), group.maxSize(), group.desiredCapacity(),
                group.instances().size(), group.targetGroupARNs(),
                template == null ? null : template.launchTemplateId(), template == null ? null : template.version(),
                group.suspendedProcesses().stream().map(SuspendedProcess::processName).toList());
    }
}
