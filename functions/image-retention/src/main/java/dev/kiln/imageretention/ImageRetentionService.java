package dev.kiln.imageretention;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.imageretention.RetentionPlan.Action;
import dev.kiln.imageretention.RetentionPlan.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the retention plan to every role of the configuration and says what it removed. An image distributed to other
 * regions of the account (docs/distribution.md) goes with its copies there, and only when none of them is in use or
 * shared in its region either.
 *
 * @param inRegion the images of another region of this account, for a role's distribution targets
 */
public record ImageRetentionService(ConfigSource configs, Images images, Function<String, Images> inRegion,
                                    BiConsumer<String, String> notifier) {

    private static final Logger LOG = LoggerFactory.getLogger(ImageRetentionService.class);

    /** What one run decided, per image; {@code dryRun} runs removed nothing. */
    public record Report(boolean dryRun, List<Decision> decisions) {

        public List<Decision> removed() {
            return decisions.stream().filter(d -> d.action() == Action.REMOVE).toList();
        }
    }

    /**
     * How a run was asked for.
     *
     * @param dryRun overrides the configuration's {@code retention.dryRun} when present
     * @param mail   false: nothing is mailed (kiln images asks so, to list the images and what retention would do)
     */
    public record Request(Optional<Boolean> dryRun, boolean mail) {
    }

    public Report run(Request request) {
        KilnConfig config = configs.current();
        boolean dry = request.dryRun().orElse(config.retention().dryRun());
        Map<String, String> inUse = images.inUse();
        Targets targets = new Targets(inRegion);
        List<Decision> decisions = new ArrayList<>();
        for (KilnConfig.Role role : config.roles()) {
            List<RetentionPlan.Image> ofRole = images.ofRole(role.name());
            Map<String, RetentionPlan.Image> byId = ofRole.stream()
                    .collect(Collectors.toMap(RetentionPlan.Image::imageId, Function.identity()));
            List<String> regions = config.distribution().regions(role.name());
            for (Decision planned : RetentionPlan.decide(ofRole, config.retention().keepImages(), inUse)) {
                Decision decision = planned;
                Map<String, List<RetentionPlan.Image>> copies = Map.of();
                if (decision.action() == Action.REMOVE) {
                    copies = targets.copies(regions, decision.imageId());
                    decision = targets.unlessCopiesUsed(unlessShared(decision), copies);
                }
                if (decision.action() == Action.REMOVE && !dry) {
                    copies.forEach((region, inThere) -> inThere.forEach(inRegion.apply(region)::remove));
                    images.remove(byId.get(decision.imageId()));
                }
                decisions.add(decision);
            }
        }
        Report report = new Report(dry, decisions);
        LOG.info(dry ? "Retention dry run" : "Retention run", entry("removed", report.removed()),
                entry("kept", decisions.size() - report.removed().size()));
        if (!report.removed().isEmpty() && request.mail()) {
            notifier.accept(subject(report), message(report));
        }
        return report;
    }

    /** The target regions' images and what uses them there, each region looked at once per run. */
    private static final class Targets {

        private final Function<String, Images> inRegion;
        private final Map<String, Map<String, String>> inUse = new HashMap<>();

        Targets(Function<String, Images> inRegion) {
            this.inRegion = inRegion;
        }

        /** The image's copies, by region, in the regions that have one. */
        Map<String, List<RetentionPlan.Image>> copies(List<String> regions, String imageId) {
            Map<String, List<RetentionPlan.Image>> copies = new TreeMap<>();
            for (String region : regions) {
                List<RetentionPlan.Image> inThere = inRegion.apply(region).copiesOf(imageId);
                if (!inThere.isEmpty()) {
                    copies.put(region, inThere);
                }
            }
            return copies;
        }

        /** An image one of whose copies is used, or shared, in its region is in use: it and its copies stay. */
        Decision unlessCopiesUsed(Decision remove, Map<String, List<RetentionPlan.Image>> copies) {
            if (remove.action() != Action.REMOVE) {
                return remove;
            }
            for (Map.Entry<String, List<RetentionPlan.Image>> region : copies.entrySet()) {
                Images there = inRegion.apply(region.getKey());
                Map<String, String> used = inUse.computeIfAbsent(region.getKey(), r -> there.inUse());
                for (RetentionPlan.Image copy : region.getValue()) {
                    String where = "its copy " + copy.imageId() + " in " + region.getKey();
                    String usedBy = used.get(copy.imageId());
                    Optional<String> shared = usedBy == null ? there.sharing(copy.imageId()) : Optional.empty();
                    if (usedBy != null || shared.isPresent()) {
                        String what = usedBy != null ? "used by " + usedBy : "shared with " + shared.get();
                        return new Decision(remove.imageId(), remove.role(), remove.createdAt(), Action.KEEP_IN_USE,
                                where + " is still " + what, where + ": " + what);
                    }
                }
            }
            if (copies.isEmpty()) {
                return remove;
            }
            return new Decision(remove.imageId(), remove.role(), remove.createdAt(), Action.REMOVE,
                    remove.reason() + "; its copies in " + String.join(", ", copies.keySet()) + " go with it", null);
        }
    }

    /** An image another account may launch is in use there, whatever this account's fleets do. */
    private Decision unlessShared(Decision remove) {
        return images.sharing(remove.imageId())
                .map(with -> new Decision(remove.imageId(), remove.role(), remove.createdAt(), Action.KEEP_IN_USE,
                        "still shared with " + with, "account(s) it is shared with: " + with))
                .orElse(remove);
    }

    private static String subject(Report report) {
        int n = report.removed().size();
        return "Kiln retention " + (report.dryRun() ? "would remove " : "removed ") + n + " image" + (n == 1 ? "" : "s");
    }

    private static String message(Report report) {
        StringBuilder message = new StringBuilder(report.dryRun()
                ? "Kiln's image retention ran as a dry run and removed nothing. It would remove:\n\n"
                : "Kiln's image retention deregistered these images and deleted their snapshots:\n\n");
        report.removed().forEach(d -> message.append("  ").append(d.imageId()).append(" (").append(d.role())
                .append("): ").append(d.reason()).append('\n'));
        List<Decision> inUse = report.decisions().stream().filter(d -> d.action() == Action.KEEP_IN_USE).toList();
        if (!inUse.isEmpty()) {
            message.append("\nKept although older, because they are in use:\n");
            inUse.forEach(d -> message.append("  ").append(d.imageId()).append(": ").append(d.reason()).append('\n'));
        }
        return message.toString();
    }
}
