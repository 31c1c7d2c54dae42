package dev.kiln.distributeregion;

import dev.kiln.common.Regional;
import dev.kiln.distributeregion.Ports.CopyRequest;
import dev.kiln.distributeregion.Ports.Image;
import dev.kiln.distributeregion.Ports.Images;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** {@link Images} on EC2, in whichever region a call names. */
final class Ec2Images implements Images {

    private final Regional<Ec2Client> ec2;

    Ec2Images(Regional<Ec2Client> ec2) {
        this.ec2 = ec2;
    }

    @Override
    public Optional<Image> describe(String region, String imageId) {
        try {
            return ec2.in(region).describeImages(r -> r.imageIds(imageId)).images().stream().findFirst()
                    .map(image -> new Image(image.imageId(), image.name(), image.description(), image.stateAsString(),
                            image.stateReason() == null ? null : image.stateReason().message(),
                            image.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b)),
                            image.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs)
                                    .filter(ebs -> ebs != null && ebs.snapshotId() != null)
                                    .map(EbsBlockDevice::snapshotId).toList()));
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && "InvalidAMIID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public String copy(String region, CopyRequest request) {
        List<Tag> tags = request.tags().entrySet().stream()
                .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList();
        return ec2.in(region).copyImage(r -> r.sourceRegion(request.sourceRegion()).sourceImageId(request.sourceImageId())
                .name(request.name()).description(request.description()).encrypted(true).kmsKeyId(request.kmsKeyArn())
                .clientToken(request.clientToken())
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMAGE).tags(tags).build(),
                        TagSpecification.builder().resourceType(ResourceType.SNAPSHOT).tags(tags).build())).imageId();
    }

    @Override
    public void tag(String region, List<String> resourceIds, Map<String, String> tags) {
        ec2.in(region).createTags(r -> r.resources(resourceIds)
                .tags(tags.entrySet().stream().map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList()));
    }

    @Override
    public void deregister(String region, String imageId) {
        try {
            ec2.in(region).deregisterImage(r -> r.imageId(imageId));
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() == null || !"InvalidAMIID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                throw e;
            }
        }
    }

    @Override
    public void share(String region, String imageId, List<String> accounts, List<String> organizationalUnits) {
        List<LaunchPermission> permissions = new ArrayList<>();
        accounts.forEach(account -> permissions.add(LaunchPermission.builder().userId(account).build()));
        organizationalUnits.forEach(unit -> permissions.add(LaunchPermission.builder().organizationalUnitArn(unit).build()));
        ec2.in(region).modifyImageAttribute(r -> r.imageId(imageId).launchPermission(p -> p.add(permissions)));
    }

    @Override
    public void shareSnapshots(String region, List<String> snapshotIds, List<String> accounts) {
        for (String snapshot : snapshotIds) {
            ec2.in(region).modifySnapshotAttribute(r -> r.snapshotId(snapshot).attribute("createVolumePermission")
                    .operationType("add").userIds(accounts));
        }
    }
}
