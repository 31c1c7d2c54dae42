package dev.kiln.infra.it;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * What an Auto Scaling group leaves in EC2, for tests whose Auto Scaling answers are mocked (the local cloud has
 * no Auto Scaling): the launch template a mocked group names and the instances it launched, which rotate-group
 * reads to decide whether a group is current.
 */
final class LocalFleet {

    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());

    private LocalFleet() {
    }

    /** Images the local cloud has, for instances and templates to run. */
    static List<String> images(int count) {
        return EC2.describeImages(r -> r.owners("amazon")).images().stream().map(Image::imageId).limit(count).toList();
    }

    /**
     * A launch template of this name for {@code role}'s fleet (tagged kiln:role, as Kiln asks of the templates it
     * pins) with one version running the image; one left by an earlier run is deleted first.
     */
    static void template(String name, String role, String imageId) {
        EC2.describeLaunchTemplates(r -> r.filters(Filter.builder().name("launch-template-name").values(name).build()))
                .launchTemplates().forEach(t -> EC2.deleteLaunchTemplate(r -> r.launchTemplateId(t.launchTemplateId())));
        EC2.createLaunchTemplate(r -> r.launchTemplateName(name)
                .launchTemplateData(d -> d.imageId(imageId).instanceType(InstanceType.T4_G_SMALL))
                .tagSpecifications(t -> t.resourceType(ResourceType.LAUNCH_TEMPLATE)
                        .tags(Tag.builder().key("kiln:role").value(role).build())));
    }

    /** Instances tagged as Auto Scaling tags the ones it launches; any left by an earlier run are terminated first. */
    static void instances(String group, String imageId, int count) {
        EC2.describeInstances(r -> r.filters(Filter.builder().name("tag:aws:autoscaling:groupName").values(group).build()))
                .reservations().stream().flatMap(v -> v.instances().stream()).map(i -> i.instanceId())
                .forEach(id -> EC2.terminateInstances(r -> r.instanceIds(id)));
        EC2.runInstances(r -> r.imageId(imageId).minCount(count).maxCount(count).instanceType(InstanceType.T4_G_SMALL)
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key("aws:autoscaling:groupName").value(group).build())));
    }
}
