package dev.kiln.imageretention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Which of a role's images to keep and which to remove: a pure decision, tested on its own. */
public final class RetentionPlan {

    /** An available image Kiln baked for a role. */
    public record Image(String imageId, String role, Instant createdAt, List<String> snapshotIds) {
    }

    public enum Action { KEEP_NEWEST, KEEP_IN_USE, REMOVE }

    /** What happens to the image, why, and what uses it (null when nothing does); createdAt as ISO-8601 text. */
    public record Decision(String imageId, String role, String createdAt, Action action, String reason, String usedBy) {
    }

    private RetentionPlan() {
    }

    /**
     * Keeps the {@code keep} newest images; of the older ones, keeps each that something still uses
     * ({@code inUse}: image id to what uses it) and removes the rest.
     */
    public static List<Decision> decide(List<Image> images, int keep, Map<String, String> inUse) {
        List<Image> newestFirst = new ArrayList<>(images);
        newestFirst.sort(Comparator.comparing(Image::createdAt).thenComparing(Image::imageId).reversed());
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            Image image = newestFirst.get(i);
            String usedBy = inUse.get(image.imageId());
            if (i < keep) {
                decisions.add(new Decision(image.imageId(), image.role(), image.createdAt().toString(), Action.KEEP_NEWEST,
                        "one of the " + keep + " newest images of " + image.role(), usedBy));
            } else if (usedBy != null) {
                decisions.add(new Decision(image.imageId(), image.role(), image.createdAt().toString(), Action.KEEP_IN_USE,
                        "still used by " + usedBy, usedBy));
            } else {
                decisions.add(new Decision(image.imageId(), image.role(), image.createdAt().toString(), Action.REMOVE,
                        "older than the " + keep + " newest images of " + image.role() + " and not in use", null));
            }
        }
        return decisions;
    }
}
