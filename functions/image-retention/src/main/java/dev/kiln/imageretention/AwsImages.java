package dev.kiln.imageretention;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@link Images} through EC2, Auto Scaling and SSM, in the clients' region.
 *
 * @param pointerPrefix e.g. {@code /kiln/images/}
 */
record AwsImages(Ec2Client ec2, AutoScalingClient autoScaling, SsmClient ssm, String pointerPrefix) implements Images {

    @Override
    public List<RetentionPlan.Image> ofRole(String role) {
        return ec2.describeImages(r -> r.owners("self").filters(
                        Filter.builder().name("tag:kiln:role").values(role).build(),
                        Filter.builder().name("tag-key").values("kiln:build-id").build(),
                        Filter.builder().name("state").values("available").build()))
                .images().stream()
                .map(image -> new RetentionPlan.Image(image.imageId(), role, Instant.parse(image.creationDate()), snapshots(image)))
                .toList();
    }

    @Override
    public List<RetentionPlan.Image> copiesOf(String imageId) {
        return ec2.describeImages(r -> r.owners("self").filters(Filter.builder().name("tag:kiln:source-image").values(imageId).build()))
                .images().stream()
                .map(image -> new RetentionPlan.Image(image.imageId(), image.tags().stream().filter(t -> t.key().equals("kiln:role"))
                        .map(t -> t.value()).findFirst().orElse(null), Instant.parse(image.creationDate()), snapshots(image)))
                .toList();
    }

    private static List<String> snapshots(software.amazon.awssdk.services.ec2.model.Image image) {
        return image.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                .map(ebs -> ebs.snapshotId()).filter(Objects::nonNull).toList();
    }

    @Override
    public Map<String, String> inUse() {
        Map<String, String> inUse = new HashMap<>();
        ssm.getParametersByPathPaginator(r -> r.path(pointerPrefix).recursive(true))
                .forEach(page -> page.parameters()
                        .forEach(p -> inUse.putIfAbsent(p.value(), "the image pointer " + p.name())));
        for (LaunchTemplate template : ec2.describeLaunchTemplatesPaginator(r -> r.maxResults(200)).launchTemplates()) {
            ec2.describeLaunchTemplateVersionsPaginator(r -> r.launchTemplateId(template.launchTemplateId()))
                    .launchTemplateVersions().stream()
                    .filter(v -> v.launchTemplateData() != null && v.launchTemplateData().imageId() != null)
                    .forEach(v -> inUse.putIfAbsent(v.launchTemplateData().imageId(), "launch template "
                            + template.launchTemplateName() + " version " + v.versionNumber()));
        }
        // groups still launched from a launch configuration (no longer creatable, but still running) launch its image
        autoScaling.describeLaunchConfigurationsPaginator(r -> r.maxRecords(100)).launchConfigurations()
                .forEach(c -> inUse.putIfAbsent(c.imageId(), "launch configuration " + c.launchConfigurationName()));
        ec2.describeInstancesPaginator(r -> r.filters(Filter.builder().name("instance-state-name")
                        .values("pending", "running", "stopping", "stopped", "shutting-down").build()))
                .reservations().stream().map(Reservation::instances).flatMap(List::stream)
                .forEach(i -> inUse.putIfAbsent(i.imageId(), "instance " + i.instanceId() + " (" + i.state().nameAsString() + ")"));
        return inUse;
    }

    @Override
    public Sharing sharing(String imageId) {
        List<LaunchPermission> permissions = ec2.describeImageAttribute(r -> r.imageId(imageId)
                .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions();
        return new Sharing(permissions.stream().map(LaunchPermission::userId).filter(Objects::nonNull).toList(),
                permissions.stream().filter(p -> p.userId() == null)
                        .map(p -> p.groupAsString() != null ? "everyone (" + p.groupAsString() + ")"
                                : p.organizationArn() != null ? "organization " + p.organizationArn()
                                : "organizational unit " + p.organizationalUnitArn())
                        .toList());
    }

    @Override
    public void remove(RetentionPlan.Image image) {
        ec2.deregisterImage(r -> r.imageId(image.imageId()));
        image.snapshotIds().forEach(snapshot -> ec2.deleteSnapshot(r -> r.snapshotId(snapshot)));
    }
}
