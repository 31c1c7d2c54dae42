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
 * @param target         point: the target's account or unit
 * @param pointer        point: the parameter pointed at the copy; null when the target has none, or it was skipped
 * @param pointerSkipped point: why the pointer was left alone; null when it was written
 */
public record RegionAnswer(String copyImageId, String kmsKeyArn, String state, List<String> sharedWith, List<String> grants,
                           String target, String pointer, String pointerSkipped) {

    static RegionAnswer copied(String copyImageId, String kmsKeyArn) {
        return new RegionAnswer(copyImageId, kmsKeyArn, null, null, null, null, null, null);
    }

    static RegionAnswer checked(String copyImageId, String state) {
        return new RegionAnswer(copyImageId, null, state, null, null, null, null, null);
    }

    static RegionAnswer finished(String copyImageId, List<String> sharedWith, List<String> grants) {
        return new RegionAnswer(copyImageId, null, null, List.copyOf(sharedWith), List.copyOf(grants), null, null, null);
    }

    static RegionAnswer pointed(String copyImageId, String target, String pointer, String pointerSkipped) {
        return new RegionAnswer(copyImageId, null, null, null, null, target, pointer, pointerSkipped);
    }
}
