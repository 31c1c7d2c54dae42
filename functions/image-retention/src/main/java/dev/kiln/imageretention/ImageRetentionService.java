package dev.kiln.imageretention;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.imageretention.RetentionPlan.Action;
import dev.kiln.imageretention.RetentionPlan.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the retention plan to every role of the configuration and says what it removed. */
public record ImageRetentionService(ConfigSource configs, Images images, BiConsumer<String, String> notifier) {

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
        List<Decision> decisions = new ArrayList<>();
        for (KilnConfig.Role role : config.roles()) {
            List<RetentionPlan.Image> ofRole = images.ofRole(role.name());
            Map<String, RetentionPlan.Image> byId = ofRole.stream()
                    .collect(Collectors.toMap(RetentionPlan.Image::imageId, Function.identity()));
            for (Decision planned : RetentionPlan.decide(ofRole, config.retention().keepImages(), inUse)) {
                Decision decision = planned.action() == Action.REMOVE ? unlessShared(planned) : planned;
                if (decision.action() == Action.REMOVE && !dry) {
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
