package dev.kiln.builderreaper;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.builderreaper.Reaper.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what bakes left behind and tells the notification topic what it removed, and why.
 *
 * @param notifier publishes a subject and a message to the notification topic
 */
public record BuilderReaperService(Leftovers leftovers, BiConsumer<String, String> notifier) {

    private static final Logger LOG = LoggerFactory.getLogger(BuilderReaperService.class);

    /** What one run did; {@code kept} says why each remaining builder or image was left. */
    public record Report(List<Verdict> terminated, List<Verdict> removedImages, List<Verdict> kept) {
    }

    public Report reap(Instant now) {
        List<Verdict> builders = Reaper.builders(leftovers.builders(), leftovers, now);
        List<Leftovers.Image> unrecorded = leftovers.unrecordedImages();
        List<Verdict> images = Reaper.images(unrecorded, leftovers, now);

        List<Verdict> terminated = builders.stream().filter(Verdict::remove).toList();
        if (!terminated.isEmpty()) {
            leftovers.terminate(terminated.stream().map(Verdict::resourceId).toList());
        }
        Map<String, Leftovers.Image> byId = unrecorded.stream()
                .collect(Collectors.toMap(Leftovers.Image::imageId, Function.identity()));
        List<Verdict> removed = images.stream().filter(Verdict::remove).toList();
        removed.forEach(verdict -> leftovers.remove(byId.get(verdict.resourceId())));

        List<Verdict> kept = java.util.stream.Stream.concat(builders.stream(), images.stream())
                .filter(v -> !v.remove()).toList();
        Report report = new Report(terminated, removed, kept);
        LOG.info("Reaper run", entry("terminated", terminated), entry("removedImages", removed), entry("kept", kept));
        if (!terminated.isEmpty() || !removed.isEmpty()) {
            notifier.accept(subject(terminated.size(), removed.size()), message(report));
        }
        return report;
    }

    private static String subject(int builders, int images) {
        return "Kiln reaper removed " + builders + " builder" + (builders == 1 ? "" : "s")
                + " and " + images + " unfinished image" + (images == 1 ? "" : "s");
    }

    private static String message(Report report) {
        StringBuilder message = new StringBuilder("Kiln's reaper removed what bakes left behind.\n\n");
        report.terminated().forEach(v -> message.append("Terminated builder ").append(v.resourceId())
                .append(": ").append(v.reason()).append('\n'));
        report.removedImages().forEach(v -> message.append("Removed image ").append(v.resourceId())
                .append(" and its snapshots: ").append(v.reason()).append('\n'));
        if (!report.kept().isEmpty()) {
            message.append("\nLeft alone:\n");
            report.kept().forEach(v -> message.append("  ").append(v.resourceId()).append(": ").append(v.reason()).append('\n'));
        }
        return message.toString();
    }
}
