package dev.kiln.rotateplan;

import dev.kiln.common.workflow.Poll;

/**
 * rotate-plan's answer: where the list of groups is, how many there are, and how the state machine
 * watches each refresh.
 *
 * @param key      {@code rotations/<rotation>/groups.json}, a JSON array of {@link Item}
 * @param groups   how many items the list has
 * @param toRotate how many of them are not skipped
 */
public record RotatePlan(String bucket, String key, int groups, int toRotate, Settings settings) {

    /**
     * One group of the plan. {@code role} and {@code imageId} are null when unknown; {@code skip} is
     * null when the group is to be rotated, else why it is not.
     */
    public record Item(String asg, String role, String imageId, String skip) {
    }

    /**
     * How each refresh is watched until its deadline, and how many groups are rotated at once (the state
     * machine's map reads it).
     */
    public record Settings(Poll poll, int maxConcurrency) {
    }
}
