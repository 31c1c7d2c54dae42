package dev.kiln.bakerecord;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What bake-record tells the state machine.
 *
 * @param publish      false when an image of a newer push is already published for the role, or when a
 *                     re-bake's parent image is no longer the parent role's published one
 * @param supersededBy that newer push's image, when that is why
 * @param notPublished why the image is not published, when it is not
 * @param durations    seconds per step, for the execution output and the image tags
 * @param tags         to add to the image (EC2 CreateTags shape)
 * @param tagResources the image and its snapshots, which get those tags
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordResult(
        boolean publish,
        String supersededBy,
        String notPublished,
        String manifest,
        int packages,
        Map<String, Long> durations,
        List<Tag> tags,
        List<String> tagResources) {

    public record Tag(String Key, String Value) {
    }
}
