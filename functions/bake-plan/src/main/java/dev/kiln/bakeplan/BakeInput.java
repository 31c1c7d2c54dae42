package dev.kiln.bakeplan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The input of one bake, as checked against statemachines/bake.input.schema.json.
 *
 * @param force bake even when this role, commit and variant was baked before (a new image of the same
 *              commit); without it such a bake, e.g. a push replayed under a new delivery id, does nothing
 */
public record BakeInput(
        String role,
        String sha,
        Optional<String> ref,
        Optional<Instant> pushedAt,
        List<Advisory> advisories,
        String reason,
        Optional<String> parentImageId,
        boolean keepOnFailure,
        boolean force) {

    public BakeInput {
        advisories = List.copyOf(advisories);
    }

    /** An Amazon Linux security advisory; AL2023 ones name the release that carries the fix. */
    public record Advisory(String id, String releasever) {
    }

    /**
     * What makes this bake different from another of the same role and commit: the advisories applied
     * and the parent image it was re-baked for. Part of the key that makes a repeated bake a no-op.
     */
    public String variant() {
        StringBuilder variant = new StringBuilder();
        advisories.stream().map(Advisory::id).sorted().forEach(id -> variant.append(variant.isEmpty() ? "" : "+").append(id));
        parentImageId.ifPresent(ami -> variant.append(variant.isEmpty() ? "" : "+").append("parent=").append(ami));
        return variant.isEmpty() ? "plain" : variant.toString();
    }
}
