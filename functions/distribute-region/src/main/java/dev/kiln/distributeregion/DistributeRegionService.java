package dev.kiln.distributeregion;

import dev.kiln.common.Hashes;
import dev.kiln.distributeregion.Ports.CopyRequest;
import dev.kiln.distributeregion.Ports.CurrentImage;
import dev.kiln.distributeregion.Ports.Image;
import dev.kiln.distributeregion.Ports.Images;
import dev.kiln.distributeregion.Ports.Keys;
import dev.kiln.distributeregion.Ports.Pointers;
import dev.kiln.distributeregion.errors.CopyFailedException;
import dev.kiln.distributeregion.errors.ImageNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * distribute's steps in one target region (docs/distribution.md). Every step can be repeated: a copy is asked
 * for with a token derived from the image, the region and the attempt, so a retried step gets the same copy;
 * tags, launch permissions, grants and pointers are set, not added to.
 */
final class DistributeRegionService {

    /** Tags EC2 manages or that only mean something on the source (its build's instance) are not copied. */
    private static final Set<String> NOT_COPIED = Set.of("kiln:build-id");
    static final String SOURCE_IMAGE_TAG = "kiln:source-image";
    static final String SOURCE_REGION_TAG = "kiln:source-region";
    static final String ROLE_TAG = "kiln:role";
    /** A grant is named after the copy and the account, so that granting again gives the same grant. */
    static final String GRANT_PREFIX = "kiln-";

    private final Images images;
    private final Keys keys;
    private final Pointers pointers;
    private final CurrentImage current;

    DistributeRegionService(Images images, Keys keys, Pointers pointers, CurrentImage current) {
        this.images = images;
        this.keys = keys;
        this.pointers = pointers;
        this.current = current;
    }

    RegionAnswer handle(RegionRequest request) {
        return switch (request.action()) {
            case COPY -> copy(request);
            case CHECK -> check(request);
            case FINISH -> finish(request);
            case POINT -> point(request);
        };
    }

    private RegionAnswer copy(RegionRequest request) {
        String region = request.copy().region();
        Image source = images.describe(request.sourceRegion(), request.imageId())
                .orElseThrow(() -> new ImageNotFoundException(request.imageId() + " is not in " + request.sourceRegion()
                        + " (deregistered since it was published?): there is nothing to copy to " + region));
        String keyArn = request.copy().kmsKeyAlias() == null ? null : keys.arn(region, request.copy().kmsKeyAlias());
        String token = "kiln-" + Hashes.sha256Hex(request.imageId() + "/" + region + "/" + request.attempt()).substring(0, 40);
        if (request.copied() != null) {
            // the attempt before's copy, which EC2 gave up on: nothing may launch it, and its name is the new copy's
            images.deregister(region, request.copied().copyImageId());
        }
        // tagged as it is made: a copy is Kiln's, and whose, from its first moment (what distribute may share or remove)
        String copyId = images.copy(region, new CopyRequest(request.sourceRegion(), request.imageId(), source.name(),
                "Kiln: " + request.role() + "'s " + request.imageId() + " from " + request.sourceRegion(), keyArn, token,
                Map.of(SOURCE_IMAGE_TAG, request.imageId(), SOURCE_REGION_TAG, request.sourceRegion(), ROLE_TAG, request.role())));
        return RegionAnswer.copied(copyId, keyArn);
    }

    private RegionAnswer check(RegionRequest request) {
        String region = request.copy().region();
        String copyId = request.copied().copyImageId();
        Image copy = images.describe(region, copyId)
                .orElseThrow(() -> new CopyFailedException("the copy " + copyId + " in " + region
                        + " is gone (deregistered while it was being made?)"));
        return switch (copy.state()) {
            case "available", "pending" -> RegionAnswer.checked(copyId, copy.state());
            default -> throw new CopyFailedException("the copy " + copyId + " in " + region + " is " + copy.state()
                    + (copy.stateReason() == null ? "" : ": " + copy.stateReason()) + " (attempt " + request.attempt() + ")");
        };
    }

    private RegionAnswer finish(RegionRequest request) {
        String region = request.copy().region();
        String copyId = request.copied().copyImageId();
        Image source = images.describe(request.sourceRegion(), request.imageId())
                .orElseThrow(() -> new ImageNotFoundException(request.imageId() + " is not in " + request.sourceRegion()
                        + " any more: its copy " + copyId + " in " + region + " is left as it is"));
        Image copy = images.describe(region, copyId)
                .orElseThrow(() -> new CopyFailedException("the copy " + copyId + " in " + region + " is gone"));
        Map<String, String> tags = new LinkedHashMap<>();
        source.tags().forEach((key, value) -> {
            if (!NOT_COPIED.contains(key) && !key.startsWith("aws:")) {
                tags.put(key, value);
            }
        });
        tags.put(SOURCE_IMAGE_TAG, request.imageId());
        tags.put(SOURCE_REGION_TAG, request.sourceRegion());
        List<String> resources = new ArrayList<>(List.of(copy.imageId()));
        resources.addAll(copy.snapshotIds());
        images.tag(region, resources, tags);

        RegionRequest.Copy target = request.copy();
        List<String> grants = new ArrayList<>();
        if (!target.sharedWith().isEmpty()) {
            images.share(region, copyId, target.accounts(), target.organizationalUnits());
            if (!target.accounts().isEmpty()) {
                images.shareSnapshots(region, copy.snapshotIds(), target.accounts());
            }
            if (request.copied().kmsKeyArn() != null) {
                for (String account : target.accounts()) {
                    keys.grant(region, request.copied().kmsKeyArn(), account, GRANT_PREFIX + copyId + "-" + account);
                    grants.add(account);
                }
            }
        }
        return RegionAnswer.finished(copyId, target.sharedWith(), grants);
    }

    /**
     * Points one target's pointer in the region at the copy: the hub's own with the hub's permissions, a member
     * account's through the role its member stack made for the hub. Only while the image is still the role's current
     * one: a newer image's distribution points them at its own copy.
     */
    private RegionAnswer point(RegionRequest request) {
        String region = request.copy().region();
        String copyId = request.copied().copyImageId();
        RegionRequest.Target target = request.target();
        if (target.pointer() == null) {
            return RegionAnswer.pointed(copyId, target.principal(), null, "an organizational unit: Kiln writes no pointer in"
                    + " its accounts; they launch " + copyId + " by its id, or by a member stack of their own");
        }
        Optional<String> currentImage = current.of(request.role());
        if (currentImage.isPresent() && !currentImage.get().equals(request.imageId())) {
            return RegionAnswer.pointed(copyId, target.principal(), null, currentImage.get() + " is " + request.role()
                    + "'s current image now: its own distribution points " + target.pointer() + " in " + region);
        }
        pointers.put(region, target.access(), target.pointer(), copyId,
                "Newest Kiln image of role " + request.role() + " (copy of " + request.imageId() + " from " + request.sourceRegion() + ")");
        return RegionAnswer.pointed(copyId, target.principal(), target.pointer(), null);
    }
}
