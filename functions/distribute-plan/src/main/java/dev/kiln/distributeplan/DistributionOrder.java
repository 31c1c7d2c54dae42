package dev.kiln.distributeplan;

import java.util.List;

/**
 * What distribute does with one image: a copy per region (each region's step in the Map), or nothing and why.
 *
 * @param skip null when there is something to do; else why not
 */
public record DistributionOrder(String role, String imageId, String sourceRegion, List<RegionCopy> copies, int targets,
                                String skip) {

    public DistributionOrder {
        copies = List.copyOf(copies);
    }

    /**
     * One region's copy as distribute-region's steps take it.
     *
     * @param kmsKeyAlias null: the account's default key
     * @param pointer     the hub account's pointer in that region; null when the hub's account does not launch there
     * @param targets     who launches the copy there: the hub's account (when it does) and whom it is shared with;
     *                    each is told by an Image Distributed event
     */
    public record RegionCopy(String region, String kmsKeyAlias, List<String> sharedWith, String pointer, List<String> targets) {

        public RegionCopy {
            sharedWith = List.copyOf(sharedWith);
            targets = List.copyOf(targets);
        }
    }
}
