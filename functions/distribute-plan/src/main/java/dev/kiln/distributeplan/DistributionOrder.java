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
     * @param targets     who launches the copy there: the hub's account (when it does) and whom it is shared with;
     *                    each gets its pointer there, if it has one, and is told by an Image Distributed event
     */
    public record RegionCopy(String region, String kmsKeyAlias, List<String> sharedWith, List<Target> targets) {

        public RegionCopy {
            sharedWith = List.copyOf(sharedWith);
            targets = List.copyOf(targets);
        }
    }

    /**
     * One target in a region.
     *
     * @param principal the account, or the organizational unit's ARN
     * @param pointer   the pointer the account launches the role from there ({@code /<name>/images/<role>}); null
     *                  for a unit (Kiln does not know its accounts)
     * @param access    how the hub writes a member account's pointer: the member stack's role; null for the hub's own
     *                  account and for units
     */
    public record Target(String principal, String pointer, MemberRole access) {
    }

    /** A member stack's role for the hub, and the external id it expects. */
    public record MemberRole(String roleArn, String externalId) {
    }
}
