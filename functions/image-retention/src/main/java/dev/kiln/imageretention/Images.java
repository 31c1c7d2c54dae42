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

    /** Who else may launch the image: its launch permissions; none when only this account may. */
    Sharing sharing(String imageId);

    /**
     * An image's launch permissions.
     *
     * @param accounts the accounts it is shared with
     * @param others   everyone else it is shared with, described for people: organizations, units, the public
     */
    record Sharing(List<String> accounts, List<String> others) {

        public static final Sharing NONE = new Sharing(List.of(), List.of());

        public Sharing {
            accounts = List.copyOf(accounts);
            others = List.copyOf(others);
        }

        /** For people: "account 1111…, organizational unit arn:…"; empty when it is not shared. */
        public Optional<String> describe() {
            List<String> with = new java.util.ArrayList<>(accounts.stream().map(account -> "account " + account).toList());
            with.addAll(others);
            return with.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", with));
        }
    }

    /** The copies distribute made of {@code imageId} in this region (tagged kiln:source-image with it), any state. */
    List<RetentionPlan.Image> copiesOf(String imageId);

    /** Deregisters the image and deletes its snapshots. */
    void remove(RetentionPlan.Image image);
}
