package dev.kiln.patchplan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What patch does for one advisory.
 *
 * @param advisory  the advisory as announced (the event's detail)
 * @param immediate whether its severity is one the configuration patches at once; else it waits for
 *                  the roles' next bakes
 * @param bakes     the affected roles none of whose ancestors is affected: baked now with the advisory,
 *                  each under the name {@code <role>-<advisory id>}
 * @param followers the affected roles built on an affected role, parent first: Kiln re-bakes them on
 *                  their parent's new image by itself (bake-children); patch waits for that
 * @param polls     how patch waits for the followers
 * @param waitingEntry how the advisory waits for an affected role's next bake when it is not patched
 *                  at once ({@code <id>|<releasever>}, or the id alone), read by bake-plan
 * @param summary   one line for people, e.g. "ALAS2023-2025-1196 (important, expat): web, api affected"
 */
public record PatchPlan(boolean duplicate, String heldBy, ObjectNode advisory, boolean immediate,
                        List<Affected> affected, List<Untouched> untouched, List<Bake> bakes,
                        List<Follower> followers, Polls polls, String waitingEntry, String summary) {

    /** A role whose published image carries the advisory's packages (or whose inventory Kiln lacks). */
    public record Affected(String role, String imageId, List<String> matched, String why) {
    }

    public record Untouched(String role, String why) {
    }

    /** A bake execution: its name and input (statemachines/bake.input.schema.json). */
    public record Bake(String role, String name, ObjectNode input) {
    }

    /**
     * @param parentRole        the affected role it is built on, whose new image it waits for
     * @param imageBefore       its published image when the patch began
     * @param parentImageBefore its parent's published image when the patch began
     */
    public record Follower(String role, String parentRole, String imageBefore, String parentImageBefore) {
    }

    /**
     * How patch waits for a follower's re-bake: every {@code seconds}, at most {@code checks} times (as
     * long as a bake of the parent and then of the follower may take).
     */
    public record Polls(int seconds, int checks) {
    }

    static PatchPlan duplicateOf(String heldBy, ObjectNode advisory, String id) {
        return new PatchPlan(true, heldBy, advisory, false, List.of(), List.of(), List.of(), List.of(),
                new Polls(1, 1), id, id + " is being patched (or was) by " + heldBy);
    }
}
