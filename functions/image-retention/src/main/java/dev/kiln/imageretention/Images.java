package dev.kiln.imageretention;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Kiln's images in EC2 in one region and what still uses them there. */
public interface Images {

    /** The available images Kiln baked for {@code role}. */
    List<RetentionPlan.Image> ofRole(String role);

    /**
     * Every image something still uses, with what uses it: an image pointer, a launch template version
     * (of any launch template in the account and region, not only Kiln's), or an instance that is not
     * terminated. When a use appears twice, one is named.
     */
    Map<String, String> inUse();

    /**
     * Who else may launch the image (its launch permissions: other accounts, an organization, the
     * public), described for people; empty when only this account may.
     */
    Optional<String> sharing(String imageId);

    /** The copies distribute made of {@code imageId} in this region (tagged kiln:source-image with it), any state. */
    List<RetentionPlan.Image> copiesOf(String imageId);

    /** Deregisters the image and deletes its snapshots. */
    void remove(RetentionPlan.Image image);
}
