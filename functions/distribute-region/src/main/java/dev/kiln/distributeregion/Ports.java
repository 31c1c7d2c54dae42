package dev.kiln.distributeregion;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What distribute-region reads and writes, in any region; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** An image as EC2 describes it; {@code stateReason} null when EC2 gives none. */
    record Image(String imageId, String name, String description, String state, String stateReason,
                 Map<String, String> tags, List<String> snapshotIds) {

        Image {
            tags = Map.copyOf(tags);
            snapshotIds = List.copyOf(snapshotIds);
        }
    }

    /**
     * A CopyImage, called in the destination region; {@code kmsKeyArn} null for the account's default key; {@code tags}
     * go on the copy and its snapshots as they are made.
     */
    record CopyRequest(String sourceRegion, String sourceImageId, String name, String description, String kmsKeyArn,
                       String clientToken, Map<String, String> tags) {

        CopyRequest {
            tags = Map.copyOf(tags);
        }
    }

    interface Images {

        /** The image, if {@code region} has it. */
        Optional<Image> describe(String region, String imageId);

        /** @return the copy's id; the same token gives the same copy */
        String copy(String region, CopyRequest request);

        void tag(String region, List<String> resourceIds, Map<String, String> tags);

        /** Deregisters the image; one that is gone already is no error. */
        void deregister(String region, String imageId);

        /** Adds launch permissions; accounts and units that have them already keep them. */
        void share(String region, String imageId, List<String> accounts, List<String> organizationalUnits);

        /** Adds create-volume permissions for the accounts on each snapshot. */
        void shareSnapshots(String region, List<String> snapshotIds, List<String> accounts);
    }

    interface Keys {

        /**
         * @return the ARN of the enabled key {@code alias} names in {@code region}
         * @throws dev.kiln.distributeregion.errors.KeyNotFoundException when it names none, or a disabled one
         */
        String arn(String region, String alias);

        /** Lets {@code account} use the key for the shared copy's volumes; the same name gives the same grant. */
        void grant(String region, String keyArn, String account, String name);
    }

    interface Pointers {

        /**
         * Points the SSM parameter {@code name} in {@code region} at {@code imageId}: the hub's own when {@code member} is
         * null, else a member account's, through the role its member stack made for the hub.
         *
         * @throws dev.kiln.distributeregion.errors.MemberUnreachableException when that role cannot be assumed
         */
        void put(String region, RegionRequest.MemberRole member, String name, String imageId, String description);
    }

    interface CurrentImage {

        /** The role's current image in the hub, if one was ever published. */
        Optional<String> of(String role);
    }
}
