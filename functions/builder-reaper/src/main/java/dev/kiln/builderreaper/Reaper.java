package dev.kiln.builderreaper;

import dev.kiln.builderreaper.Leftovers.Builder;
import dev.kiln.builderreaper.Leftovers.Image;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides what of a bake's leftovers may go: pure decisions, then done by {@link BuilderReaperService}. */
final class Reaper {

    /** How long a builder or image without a bake's name is left alone, in case it is being tagged. */
    static final Duration GRACE = Duration.ofHours(2);

    record Verdict(String resourceId, boolean remove, String reason) {
    }

    private Reaper() {
    }

    static List<Verdict> builders(List<Builder> builders, Leftovers status, Instant now) {
        List<Verdict> verdicts = new ArrayList<>();
        for (Builder builder : builders) {
            String execution = builder.tags().get("kiln:execution");
            Optional<String> state = execution == null ? Optional.empty() : status.executionStatus(execution);
            String expiresAt = builder.tags().get("kiln:expires-at");
            if (expiresAt != null && !state.filter("RUNNING"::equals).isPresent()) {
                Instant until = parse(expiresAt).orElse(Instant.MIN);
                verdicts.add(until.isBefore(now)
                        ? new Verdict(builder.instanceId(), true, "kept for debugging until " + expiresAt + ", which has passed")
                        : new Verdict(builder.instanceId(), false, "kept for debugging until " + expiresAt));
                continue;
            }
            verdicts.add(verdict(builder.instanceId(), execution, state, builder.launchedAt(), now));
        }
        return verdicts;
    }

    static List<Verdict> images(List<Image> images, Leftovers status, Instant now) {
        return images.stream()
                .map(image -> {
                    String execution = image.tags().get("kiln:execution");
                    return verdict(image.imageId(), execution,
                            execution == null ? Optional.empty() : status.executionStatus(execution), image.createdAt(), now);
                })
                .toList();
    }

    /** @param state what Step Functions says of {@code execution} (asked once per resource) */
    private static Verdict verdict(String id, String execution, Optional<String> state, Instant since, Instant now) {
        if (execution == null) {
            return since.plus(GRACE).isBefore(now)
                    ? new Verdict(id, true, "no bake claims it (no kiln:execution tag) since " + since)
                    : new Verdict(id, false, "new and not yet claimed by a bake");
        }
        if (state.isEmpty()) {
            return new Verdict(id, true, "its bake " + execution + " no longer exists");
        }
        if (!"RUNNING".equals(state.get())) {
            return new Verdict(id, true, "its bake " + execution + " ended " + state.get() + " without cleaning up");
        }
        // whatever its tags say: Step Functions ends a bake at its timeout, and the bake cleans up itself
        return new Verdict(id, false, "its bake is running");
    }

    private static Optional<Instant> parse(String time) {
        try {
            return Optional.of(Instant.parse(time));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
