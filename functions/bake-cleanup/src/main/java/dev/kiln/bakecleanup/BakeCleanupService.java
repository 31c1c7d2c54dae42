package dev.kiln.bakecleanup;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.Scrubbed;
import dev.kiln.common.bake.BakeLedger;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves nothing of a failed bake behind but its logs (and, on request, its builder for a while):
 * the builder is terminated whatever step failed, a partial image is deregistered and every snapshot
 * of the build deleted, and the ledger lets the bake be tried again. Only what this execution made is
 * touched, and never the role's published image.
 */
public record BakeCleanupService(BuildResources resources, BakeLedger ledger, Function<String, List<Visit>> history) {

    /** States that only carry a failure on to the cleanup; the step that failed is the one before them. */
    static final Set<String> FORWARDING_STATES = Set.of("Cleanup", "PlanFailed", "PublishFailed");
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    /** The most of a cause the Bake Failed event and the failure carry (Step Functions' cause holds 32,768). */
    static final int CAUSE_LIMIT = 4000;

    private static final Logger LOG = LoggerFactory.getLogger(BakeCleanupService.class);

    public CleanupResult clean(CleanupRequest request, Instant now) {
        CleanupRequest.State state = request.state();
        String failedStep = failedStep(history.apply(request.executionArn()));
        String error = state.error() == null || state.error().Error() == null ? "Unknown" : state.error().Error();
        // the cause may carry a command's output: masked and bounded, it goes into the event and the e-mail
        String cause = Optional.ofNullable(Scrubbed.text(readable(state.error() == null ? null : state.error().Cause()), CAUSE_LIMIT))
                .orElse("no cause was given");
        CleanupRequest.Plan plan = state.plan();
        if (plan == null || plan.buildId() == null) {
            LOG.info("The bake failed before it launched anything", entry("failedStep", failedStep), entry("failure", error));
            return new CleanupResult(fromInput(request.input(), "role", ROLE), fromInput(request.input(), "sha", SHA),
                    null, request.executionArn(), failedStep, failure(error), error, cause, failedStep + ": " + cause,
                    null, "none", List.of(), null, List.of(),
                    List.of(), null);
        }

        BuildResources.Build build = new BuildResources.Build(plan.buildId(), request.executionArn());
        List<String> builders = resources.builders(build);
        String action = "none";
        String keptUntil = null;
        if (!builders.isEmpty() && plan.keepOnFailure()) {
            Instant until = now.plus(Duration.ofHours(plan.keepOnFailureHours()));
            resources.keepUntil(builders, until);
            action = "kept";
            keptUntil = until.toString();
        } else if (!builders.isEmpty()) {
            resources.terminate(builders);
            action = "terminated";
        }

        List<String> deregistered = new ArrayList<>();
        Set<String> snapshots = new LinkedHashSet<>();
        String keptImage = null;
        if (state.keepImage() && state.image() != null) {
            keptImage = state.image().imageId();
        } else {
            Optional<String> current = ledger.currentImage(plan.role());
            Set<String> keptSnapshots = new LinkedHashSet<>();
            for (BuildResources.Image image : resources.images(build)) {
                if (current.filter(image.imageId()::equals).isPresent()) {
                    // published as the role's current image after all: never take it away from the fleets
                    LOG.warn("The build's image is the role's current image; it is kept", entry("imageId", image.imageId()));
                    keptImage = image.imageId();
                    keptSnapshots.addAll(image.snapshotIds());
                    continue;
                }
                resources.deregister(image.imageId());
                deregistered.add(image.imageId());
                snapshots.addAll(image.snapshotIds());
            }
            Set<String> instances = new LinkedHashSet<>(resources.allBuilders(build));
            if (state.builder() != null && state.builder().instanceId() != null) {
                instances.add(state.builder().instanceId());
            }
            snapshots.addAll(resources.snapshotsOf(List.copyOf(instances)));
            snapshots.removeAll(keptSnapshots);
            snapshots.forEach(resources::deleteSnapshot);
        }

        ledger.finish(plan.bakeKey(), request.executionArn(), BakeLedger.Status.FAILED, Optional.empty(), now);
        LOG.info("Failed bake cleaned up", entry("buildId", plan.buildId()), entry("failedStep", failedStep),
                entry("failure", error), entry("builderAction", action), entry("builders", builders),
                entry("deregisteredImages", deregistered), entry("deletedSnapshots", snapshots),
                entry("keptImage", keptImage));
        return new CleanupResult(plan.role(), plan.sha(), plan.buildId(), request.executionArn(), failedStep,
                failure(error), error, cause, failedStep + ": " + cause, plan.logs() == null ? null : plan.logs().uri(), action, builders, keptUntil, deregistered,
                List.copyOf(snapshots), keptImage);
    }

    // when planning failed, the raw input is all there is; take only values that look like what they claim
    private static String fromInput(JsonNode input, String field, Pattern pattern) {
        JsonNode value = input == null ? null : "sha".equals(field) ? input.path("source").get("sha") : input.get(field);
        return value != null && value.isTextual() && pattern.matcher(value.asText()).matches() ? value.asText() : "unknown";
    }

    /** A Fail state may not raise Step Functions' own error names. */
    static String failure(String error) {
        return error.startsWith("States.") ? "Kiln." + error : error;
    }

    /** The last state the execution entered before its failure was carried to the cleanup. */
    static String failedStep(List<Visit> visits) {
        for (int i = visits.size() - 1; i >= 0; i--) {
            if (!FORWARDING_STATES.contains(visits.get(i).state())) {
                return visits.get(i).state();
            }
        }
        return "unknown";
    }

    /** A Lambda error's cause is its JSON error document; people want its message. */
    static String readable(String cause) {
        if (cause == null || !cause.startsWith("{")) {
            return cause;
        }
        try {
            JsonNode document = Json.MAPPER.readTree(cause);
            return document.hasNonNull("errorMessage") ? document.get("errorMessage").asText() : cause;
        } catch (java.io.IOException e) {
            return cause;
        }
    }
}
