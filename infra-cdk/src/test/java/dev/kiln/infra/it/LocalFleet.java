package dev.kiln.infra.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Fleets in the local cloud: launch templates and groups of its Auto Scaling.
 */
final class LocalFleet {

    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());

    private LocalFleet() {
    }

    /** The role's current image as set by {@link #current}, until closed: then what the bakes table held before. */
    interface CurrentImage extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The role's current image in the bakes table (its record as bake-record writes it) set to {@code imageId}, once no
     * bake runs (a bake another test started publishes its image when it ends, replacing the one set here).
     */
    static CurrentImage current(String role, String imageId) {
        DynamoDbClient dynamo = LocalCloud.client(DynamoDbClient.builder());
        SfnClient sfn = LocalCloud.client(SfnClient.builder());
        String table = LocalCloud.stackOutput("BakesTableName");
        Map<String, AttributeValue> key = Map.of("bakeKey", AttributeValue.fromS("current#" + role));
        LocalCloud.await("no bake running", Duration.ofMinutes(10), () -> Optional.of(true).filter(none ->
                sfn.listExecutions(r -> r.stateMachineArn(LocalCloud.stackOutput("BakeStateMachineArn"))
                        .statusFilter(ExecutionStatus.RUNNING)).executions().isEmpty()));
        Map<String, AttributeValue> before = dynamo.getItem(r -> r.tableName(table).key(key)).item();
        dynamo.putItem(r -> r.tableName(table).item(Map.of("bakeKey", key.get("bakeKey"),
                "imageId", AttributeValue.fromS(imageId), "sha", AttributeValue.fromS("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"),
                "pushedAt", AttributeValue.fromS("2026-11-22T08:56:40Z"))));
        return () -> {
            if (before == null || before.isEmpty()) {
                dynamo.deleteItem(r -> r.tableName(table).key(key));
            } else {
                dynamo.putItem(r -> r.tableName(table).item(before));
            }
        };
    }

    /**
     * An available image as Kiln would have baked it for {@code role} (tagged kiln:role and kiln:build-id, its
     * snapshots too), made from a stopped instance; {@code test} names it.
     */
    static String bakedImage(String role, String test) {
        String instance = EC2.runInstances(r -> r.imageId("ami-0bb7267a511c0a8e8").instanceType("t4g.large")
                .minCount(1).maxCount(1)).instances().get(0).instanceId();
        List<Tag> tags = List.of(Tag.builder().key("kiln:role").value(role).build(),
                Tag.builder().key("kiln:build-id").value(test + "-" + UUID.randomUUID()).build());
        // as a bake does: the image and its snapshots tagged as CreateImage makes them
        String imageId = EC2.createImage(r -> r.instanceId(instance).name(test + "-" + UUID.randomUUID())
                .tagSpecifications(t -> t.resourceType("image").tags(tags), t -> t.resourceType("snapshot").tags(tags)))
                .imageId();
        EC2.terminateInstances(r -> r.instanceIds(instance));
        return imageId;
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
