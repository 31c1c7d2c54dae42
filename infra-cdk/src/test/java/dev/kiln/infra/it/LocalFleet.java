package dev.kiln.infra.it;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Fleets in the local cloud: launch templates and groups of its Auto Scaling.
 */
final class LocalFleet {

    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());

    private LocalFleet() {
    }

    /** Images the local cloud has, for instances and templates to run. */
    static List<String> images(int count) {
        return EC2.describeImages(r -> r.owners("amazon")).images().stream().map(Image::imageId).limit(count).toList();
    }

    /**
     * A launch template of this name for {@code role}'s fleet (tagged kiln:role, as Kiln asks of the templates it
     * pins) with one version running the image; one left by an earlier run is deleted first. Returns its id.
     */
    static String template(String name, String role, String imageId) {
        EC2.describeLaunchTemplates(r -> r.filters(Filter.builder().name("launch-template-name").values(name).build()))
                .launchTemplates().forEach(t -> EC2.deleteLaunchTemplate(r -> r.launchTemplateId(t.launchTemplateId())));
        return EC2.createLaunchTemplate(r -> r.launchTemplateName(name)
                .launchTemplateData(d -> d.imageId(imageId).instanceType(InstanceType.T4_G_SMALL))
                .tagSpecifications(t -> t.resourceType(ResourceType.LAUNCH_TEMPLATE)
                        .tags(Tag.builder().key("kiln:role").value(role).build()))).launchTemplate().launchTemplateId();
    }

    /**
     * A group of the local cloud's Auto Scaling on version 1 of the template, with {@code size} instances (in service
     * when this returns: the group has no hooks yet) and these tags, none propagated to its instances; one left by an
     * earlier run is deleted first.
     */
    static void group(String name, String template, int size, Map<String, String> tags) {
        deleteGroup(name);
        ASG.createAutoScalingGroup(r -> r.autoScalingGroupName(name).minSize(0).maxSize(size + 2).desiredCapacity(size)
                .launchTemplate(t -> t.launchTemplateName(template).version("1")).availabilityZones("us-east-1a")
                .tags(tags.entrySet().stream().map(e -> software.amazon.awssdk.services.autoscaling.model.Tag.builder()
                        .resourceId(name).resourceType("auto-scaling-group").key(e.getKey()).value(e.getValue())
                        .propagateAtLaunch(false).build()).toList()));
    }

    /** The group and its instances gone (ForceDelete), if it exists. */
    static void deleteGroup(String name) {
        try {
            ASG.deleteAutoScalingGroup(r -> r.autoScalingGroupName(name).forceDelete(true));
        } catch (AutoScalingException e) {
            if (!e.getMessage().contains("AutoScalingGroup name not found")) {
                throw e;
            }
        }
    }

    /**
     * A launch hook on the group that nobody completes (an hour's heartbeat): from now on every instance the group
     * launches waits in Pending:Wait, as one whose deploy never ends.
     */
    static void holdLaunches(String group) {
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("it-hold")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").heartbeatTimeout(3600).defaultResult("ABANDON"));
    }

    /** The images the group's instances run, by instance id. */
    static Map<String, String> groupImages(String group) {
        List<String> ids = ASG.describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0)
                .instances().stream().map(i -> i.instanceId()).toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        return EC2.describeInstances(r -> r.instanceIds(ids)).reservations().stream().flatMap(v -> v.instances().stream())
                .collect(Collectors.toMap(i -> i.instanceId(), i -> i.imageId()));
    }
}
