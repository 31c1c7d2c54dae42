package dev.kiln.distributeregion;

import java.util.List;

/**
 * What distribute-region answers a step; each step fills in its own fields.
 *
 * @param copyImageId    the copy (every step)
 * @param kmsKeyArn      copy: the key the copy is encrypted with; null: the account's default key
 * @param state          check: {@code pending} or {@code available}
 * @param sharedWith     finish: the accounts and units the copy is shared with
 * @param grants         finish: the accounts the key was granted to
 * @param pointer        finish: the parameter pointed at the copy; null when none was asked for, or skipped
 * @param pointerSkipped finish: why the pointer was left alone; null when it was written or not asked for
 */
public record RegionAnswer(String copyImageId, String kmsKeyArn, String state, List<String> sharedWith, List<String> grants,
                           String pointer, String pointerSkipped) {

    static RegionAnswer copied(String copyImageId, String kmsKeyArn) {
        return new RegionAnswer(copyImageId, kmsKeyArn, null, null, null, null, null);
    }

    static RegionAnswer checked(String copyImageId, String state) {
        return new RegionAnswer(copyImageId, null, state, null, null, null, null);
    }

    static RegionAnswer finished(String copyImageId, List<String> sharedWith, List<String> grants, String pointer,
                                 String pointerSkipped) {
        return new RegionAnswer(copyImageId, null, null, List.copyOf(sharedWith), List.copyOf(grants), pointer, pointerSkipped);
    }
}
