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
 * regions (docs/distribution.md) goes with its copies there, and only when none of them is in use in its region
 * either: by the hub's account, or by a member account it is shared with (asked through the member stack's role). A copy
 * shared with anyone else (a unit, an account kiln.json does not list), or with a member that cannot be asked, keeps it.
 *
 * @param inRegion the images of another region of this account, for a role's distribution targets
 * @param members  a member account's images in one of its target regions
 */
public record ImageRetentionService(ConfigSource configs, Images images, Function<String, Images> inRegion, Members members,
                                    BiConsumer<String, String> notifier) {

    /** What a member account uses in a region, asked through the role its member stack made for the hub. */
    public interface Members {

        /** @throws RuntimeException when the member's role cannot be assumed or read: the member cannot be asked */
        Images in(String account, String region);
    }

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
        Targets targets = new Targets(inRegion, members);
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
                    String roleName = role.name();
                    decision = targets.unlessCopiesUsed(unlessShared(decision), copies,
                            region -> config.distribution().accounts(roleName, region));
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

    /** The target regions' images and what uses them there, each region and member looked at once per run. */
    private static final class Targets {

        private final Function<String, Images> inRegion;
        private final Members members;
        private final Map<String, Map<String, String>> inUse = new HashMap<>();
        /** account/region → what the member uses there, or why it could not be asked */
        private final Map<String, Asked> asked = new HashMap<>();

        /** @param failure why the member could not be asked; null when it answered */
        private record Asked(Map<String, String> used, String failure) {
        }

        Targets(Function<String, Images> inRegion, Members members) {
            this.inRegion = inRegion;
            this.members = members;
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

        /**
         * An image one of whose copies is used in its region, by the hub's account or a member account it is shared
         * with, or is shared with anyone retention cannot ask, is in use: it and its copies stay.
         *
         * @param listed the accounts kiln.json lists for the role in a region: those with a member stack there
         */
        Decision unlessCopiesUsed(Decision remove, Map<String, List<RetentionPlan.Image>> copies,
                                  Function<String, List<String>> listed) {
            if (remove.action() != Action.REMOVE) {
                return remove;
            }
            for (Map.Entry<String, List<RetentionPlan.Image>> region : copies.entrySet()) {
                Images there = inRegion.apply(region.getKey());
                Map<String, String> used = inUse.computeIfAbsent(region.getKey(), r -> there.inUse());
                for (RetentionPlan.Image copy : region.getValue()) {
                    Optional<String> use = useOf(copy.imageId(), region.getKey(), used.get(copy.imageId()), there, listed);
                    if (use.isPresent()) {
                        String where = "its copy " + copy.imageId() + " in " + region.getKey();
                        return new Decision(remove.imageId(), remove.role(), remove.createdAt(), Action.KEEP_IN_USE,
                                where + " is still " + use.get(), where + ": " + use.get());
                    }
                }
            }
            if (copies.isEmpty()) {
                return remove;
            }
            return new Decision(remove.imageId(), remove.role(), remove.createdAt(), Action.REMOVE,
                    remove.reason() + "; its copies in " + String.join(", ", copies.keySet()) + " go with it", null);
        }

        /** How the copy is still in use, said for people; empty when it is not. */
        private Optional<String> useOf(String copyId, String region, String usedHere, Images there,
                                       Function<String, List<String>> listed) {
            if (usedHere != null) {
                return Optional.of("used by " + usedHere);
            }
            Images.Sharing sharing = there.sharing(copyId);
            List<String> members = listed.apply(region);
            if (!sharing.others().isEmpty() || !members.containsAll(sharing.accounts())) {
                return Optional.of("shared with " + sharing.describe().orElseThrow());
            }
            for (String account : sharing.accounts()) {
                Asked theirs = asked.computeIfAbsent(account + "/" + region, key -> ask(account, region));
                if (theirs.failure() != null) {
                    return Optional.of("shared with account " + account + ", whose member stack could not be asked ("
                            + theirs.failure() + ")");
                }
                if (theirs.used().containsKey(copyId)) {
                    return Optional.of("used by " + theirs.used().get(copyId) + " in account " + account);
                }
            }
            return Optional.empty();
        }

        private Asked ask(String account, String region) {
            try {
                return new Asked(members.in(account, region).inUse(), null);
            } catch (RuntimeException e) {
                LOG.warn("A member account could not be asked what it uses", entry("account", account), entry("region", region),
                        entry("error", String.valueOf(e.getMessage())));
                return new Asked(Map.of(), String.valueOf(e.getMessage()));
            }
        }
    }

    /** An image another account may launch is in use there, whatever this account's fleets do. */
    private Decision unlessShared(Decision remove) {
        return images.sharing(remove.imageId()).describe()
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
