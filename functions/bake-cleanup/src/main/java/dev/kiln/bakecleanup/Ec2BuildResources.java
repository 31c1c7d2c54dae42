package dev.kiln.bakecleanup;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;

/** {@link BuildResources} through the EC2 API. */
record Ec2BuildResources(Ec2Client ec2) implements BuildResources {

    @Override
    public List<String> builders(Build build) {
        return instances(buildId(build), execution(build),
                Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build());
    }

    @Override
    public List<String> allBuilders(Build build) {
        return instances(buildId(build), execution(build));
    }

    private static Filter buildId(Build build) {
        return Filter.builder().name("tag:kiln:build-id").values(build.buildId()).build();
    }

    private static Filter execution(Build build) {
        return Filter.builder().name("tag:kiln:execution").values(build.executionArn()).build();
    }

    private List<String> instances(Filter... filters) {
        return ec2.describeInstancesPaginator(r -> r.filters(filters))
                .reservations().stream()
                .map(Reservation::instances).flatMap(List::stream)
                .map(Instance::instanceId)
                .toList();
    }

    @Override
    public void terminate(List<String> instanceIds) {
        ec2.terminateInstances(r -> r.instanceIds(instanceIds));
    }

    @Override
    public void keepUntil(List<String> instanceIds, Instant expiresAt) {
        ec2.createTags(r -> r.resources(instanceIds).tags(t -> t.key("kiln:expires-at").value(expiresAt.toString())));
    }

    @Override
    public List<Image> images(Build build) {
        return ec2.describeImages(r -> r.owners("self").filters(buildId(build), execution(build)))
                .images().stream()
                .map(image -> new Image(image.imageId(), image.blockDeviceMappings().stream()
                        .map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                        .map(ebs -> ebs.snapshotId()).filter(Objects::nonNull)
                        .toList()))
                .toList();
    }

    @Override
    public void deregister(String imageId) {
        ec2.deregisterImage(r -> r.imageId(imageId));
    }

    @Override
    public List<String> snapshotsOf(List<String> instanceIds) {
        if (instanceIds.isEmpty()) {
            return List.of();
        }
        List<String> descriptions = instanceIds.stream().map(id -> "Created by CreateImage(" + id + ")*").toList();
        return ec2.describeSnapshots(r -> r.ownerIds("self")
                        .filters(Filter.builder().name("description").values(descriptions).build()))
                .snapshots().stream().map(s -> s.snapshotId()).toList();
    }

    @Override
    public void deleteSnapshot(String snapshotId) {
        ec2.deleteSnapshot(r -> r.snapshotId(snapshotId));
    }
}
