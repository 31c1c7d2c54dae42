package dev.kiln.bakerecord;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bakerecord.Ports.Artifacts;
import dev.kiln.bakerecord.Ports.CurrentImages;
import dev.kiln.bakerecord.Ports.ImageStore;
import dev.kiln.bakerecord.Ports.PublishGuard;
import dev.kiln.bakerecord.Ports.Published;
import dev.kiln.common.Json;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records a baked image: inventory, manifest, image record, step durations, and whether to publish it. */
public record BakeRecordService(Artifacts artifacts, ImageStore images, PublishGuard guard, CurrentImages current,
                                Function<String, List<Visit>> history) {

    private static final Logger LOG = LoggerFactory.getLogger(BakeRecordService.class);

    public RecordResult record(RecordRequest request, Instant now) {
        RecordRequest.Plan plan = request.plan();
        String imageId = request.image().imageId();
        String parentImageId = request.parent().imageId();

        String output = artifacts.commandStdout(plan.logs().bucket(), plan.commands().record().outputPrefix(),
                        request.record().commandId(), request.builder().instanceId())
                .orElseGet(() -> request.record().stdout() == null ? "" : request.record().stdout());
        Inventory inventory = Inventory.parse(output);
        if (inventory.skipped() > 0) {
            LOG.warn("Some inventory lines were not package lines", entry("skipped", inventory.skipped()),
                    entry("imageId", imageId));
        }

        List<String> advisories = plan.advisories() == null ? List.of()
                : plan.advisories().stream().map(RecordRequest.Advisory::id).toList();
        ObjectNode manifest = Json.MAPPER.createObjectNode()
                .put("imageId", imageId)
                .put("role", plan.role())
                .put("commit", plan.sha())
                .put("ref", plan.ref())
                .put("buildId", plan.buildId())
                .put("reason", plan.reason())
                .put("parentImageId", parentImageId)
                .put("recordedAt", now.toString());
        advisories.forEach(manifest.putArray("advisories")::add);
        manifest.putPOJO("packages", inventory.packages());
        String manifestUri = artifacts.putManifest(plan.logs().bucket(), plan.role(), imageId, manifest.toPrettyString());

        images.save(new ImageRecord(imageId, plan.role(), plan.sha(), plan.buildId(), parentImageId, plan.reason(),
                advisories, now, inventory.packages(), inventory.sources(), manifestUri));

        Map<String, Long> durations = Phases.durations(history.apply(request.executionArn()));
        Optional<String> parentMovedOn = parentMovedOn(plan, parentImageId);
        Optional<Published> newer = parentMovedOn.isPresent() ? Optional.empty()
                : guard.admit(plan.role(), new Published(imageId, plan.sha(), Instant.parse(plan.pushedAt())));

        List<RecordResult.Tag> tags = new ArrayList<>(List.of(
                new RecordResult.Tag("Name", "kiln-" + plan.role()),
                new RecordResult.Tag("kiln:role", plan.role()),
                new RecordResult.Tag("kiln:build-id", plan.buildId()),
                new RecordResult.Tag("kiln:commit", plan.sha()),
                new RecordResult.Tag("kiln:parent-image", parentImageId),
                new RecordResult.Tag("kiln:packages", String.valueOf(inventory.packages().size())),
                new RecordResult.Tag("kiln:builder-market", request.builder().market())));
        durations.forEach((phase, seconds) -> tags.add(new RecordResult.Tag("kiln:duration:" + phase, seconds + "s")));

        Optional<String> notPublished = parentMovedOn.or(() -> newer.map(n -> "an image of a newer push of "
                + plan.role() + " is published already (" + n.imageId() + ", commit " + n.sha() + ")"));
        notPublished.ifPresentOrElse(
                why -> LOG.warn("The image is kept but not published", entry("imageId", imageId), entry("why", why)),
                () -> LOG.info("Image recorded", entry("imageId", imageId), entry("packages", inventory.packages().size()),
                        entry("durations", durations)));
        List<String> tagResources = new ArrayList<>(List.of(imageId));
        if (request.imageState() != null && request.imageState().mappings() != null) {
            request.imageState().mappings().stream()
                    .filter(m -> m.Ebs() != null && m.Ebs().SnapshotId() != null)
                    .forEach(m -> tagResources.add(m.Ebs().SnapshotId()));
        }
        return new RecordResult(notPublished.isEmpty(), newer.map(Published::imageId).orElse(null), notPublished.orElse(null),
                manifestUri, inventory.packages().size(), durations, tags, tagResources);
    }

    /**
     * A re-bake for a parent image that is no longer the parent role's published one: two parent images
     * published in quick succession start two re-bakes of the child, and the one on the older image must
     * not stand, whichever finishes last.
     */
    private Optional<String> parentMovedOn(RecordRequest.Plan plan, String parentImageId) {
        if (!"parent-image".equals(plan.reason()) || plan.parent() == null || plan.parent().role() == null) {
            return Optional.empty();
        }
        String parentRole = plan.parent().role();
        return current.imageOf(parentRole).filter(image -> !image.equals(parentImageId)).map(image -> "its parent image "
                + parentImageId + " is no longer " + parentRole + "'s published image (" + image + " is): the re-bake on "
                + image + " is the one published");
    }
}
