package dev.kiln.builderreaper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/** {@link Leftovers} in EC2, with Step Functions for execution status and the images table for records. */
record AwsLeftovers(Ec2Client ec2, SfnClient sfn, DynamoDbClient dynamo, String imagesTable) implements Leftovers {

    private static final Filter KILN_BUILDS = Filter.builder().name("tag-key").values("kiln:build-id").build();

    @Override
    public List<Builder> builders() {
        return ec2.describeInstancesPaginator(r -> r.filters(KILN_BUILDS,
                        Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build()))
                .reservations().stream()
                .map(Reservation::instances).flatMap(List::stream)
                .map(i -> new Builder(i.instanceId(), i.launchTime(), tags(i.tags())))
                .toList();
    }

    @Override
    public void terminate(List<String> instanceIds) {
        ec2.terminateInstances(r -> r.instanceIds(instanceIds));
    }

    @Override
    public List<Image> unrecordedImages() {
        return ec2.describeImages(r -> r.owners("self").filters(KILN_BUILDS)).images().stream()
                .filter(image -> !recorded(image.imageId()))
                .map(image -> new Image(image.imageId(), Instant.parse(image.creationDate()), tags(image.tags()),
                        image.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                                .map(ebs -> ebs.snapshotId()).filter(Objects::nonNull).toList()))
                .toList();
    }

    @Override
    public void remove(Image image) {
        ec2.deregisterImage(r -> r.imageId(image.imageId()));
        image.snapshotIds().forEach(snapshot -> ec2.deleteSnapshot(r -> r.snapshotId(snapshot)));
    }

    @Override
    public Optional<String> executionStatus(String executionArn) {
        try {
            return Optional.of(sfn.describeExecution(r -> r.executionArn(executionArn)).statusAsString());
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }

    private boolean recorded(String imageId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(imagesTable)
                .key(Map.of("imageId", AttributeValue.fromS(imageId)))).item();
        return item != null && !item.isEmpty();
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
    }
}
