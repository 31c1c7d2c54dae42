package dev.kiln.bakecleanup;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the cleanup did and why the bake failed: the detail of the Bake Failed event and the
 * execution's error and cause.
 *
 * @param failure       the error the execution fails with: {@code error}, except that Step Functions'
 *                      own names ({@code States.*}) become {@code Kiln.States.*}, which a Fail state may raise
 * @param summary       the execution's cause: the failed step, then the cause
 * @param builderAction {@code terminated}, {@code kept} (keepOnFailure, until {@code keptUntil}) or {@code none}
 * @param keptImage     an image recorded before publishing failed, left for a retry to publish
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CleanupResult(
        String role,
        String sha,
        String buildId,
        String executionArn,
        String failedStep,
        String failure,
        String error,
        String cause,
        String summary,
        String logs,
        String builderAction,
        List<String> builders,
        String keptUntil,
        List<String> deregisteredImages,
        List<String> deletedSnapshots,
        String keptImage) {

    public CleanupResult {
        builders = List.copyOf(builders);
        deregisteredImages = List.copyOf(deregisteredImages);
        deletedSnapshots = List.copyOf(deletedSnapshots);
    }
}
