package dev.kiln.patchplan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.workflow.Poll;
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
 * @param polls     how patch waits for each follower: the followers share a budget of
 *                  {@link #MAX_FOLLOW_CHECKS} asks, so many followers are asked about less often
 * @param openEntry how the advisory is kept open for each affected role, so that every later bake of
 *                  the role applies it ({@code <id>|<releasever>}, or the id alone; bake-plan reads them)
 * @param summary   one line for people, e.g. "ALAS2023-2025-1196 (important, expat): web, api affected"
 */
public record PatchPlan(boolean duplicate, String heldBy, ObjectNode advisory, boolean immediate,
                        List<Affected> affected, List<Untouched> untouched, List<Bake> bakes,
                        List<Follower> followers, Poll polls, String openEntry, String summary) {

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

    /** Asks about every follower's re-bake, together, that patch's history holds besides the rest. */
    public static final int MAX_FOLLOW_CHECKS = 600;

    static PatchPlan duplicateOf(String heldBy, ObjectNode advisory, String id) {
        return new PatchPlan(true, heldBy, advisory, false, List.of(), List.of(), List.of(), List.of(),
                new Poll(1, 1), id, id + " is being patched (or was) by " + heldBy);
    }
}
