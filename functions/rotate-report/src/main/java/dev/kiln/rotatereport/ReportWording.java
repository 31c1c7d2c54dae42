package dev.kiln.rotatereport;

import dev.kiln.common.Wording;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What people read of a rotation: the headline (and shorter forms of it for the SNS subject) and the
 * message, one screen of every group that did not succeed first.
 */
final class ReportWording {

    /** One screen of a mail client. */
    static final int MESSAGE_LINES = 40;
    private static final int LINE_REASON_CHARS = 160;
    /** The message's order: every group that did not succeed, then the ones that did, while room remains. */
    private static final List<String> MESSAGE_ORDER = List.of(Outcome.FAILED, Outcome.TIMED_OUT, Outcome.ROLLED_BACK,
            Outcome.SKIPPED, Outcome.SUCCEEDED);
    private static final Map<String, String> LABELS = Map.of(Outcome.SUCCEEDED, "Succeeded", Outcome.ROLLED_BACK, "Rolled back",
            Outcome.FAILED, "Failed", Outcome.TIMED_OUT, "Timed out", Outcome.SKIPPED, "Skipped");

    private ReportWording() {
    }

    /** The headline, then shorter forms of it for the subject, most complete first. */
    static List<String> headlines(ReportRequest request, List<Outcome> all, Counts counts, int instancesReplaced,
                                          Instant replacedAt) {
        if (request.advisory().isEmpty()) {
            if (counts.total() == 0) {
                return List.of("Kiln rotation: no group to rotate");
            }
            List<String> parts = new ArrayList<>(List.of(counts.succeeded() + " succeeded"));
            if (counts.rolledBack() > 0) {
                parts.add(counts.rolledBack() + " rolled back");
            }
            if (counts.failed() > 0) {
                parts.add(counts.failed() + " failed");
            }
            if (counts.timedOut() > 0) {
                parts.add(counts.timedOut() + " timed out");
            }
            if (counts.skipped() > 0) {
                parts.add(counts.skipped() + " skipped");
            }
            return List.of("Kiln rotation: " + String.join(", ", parts));
        }
        List<String> roles = all.stream().filter(o -> o.outcome().equals(Outcome.SUCCEEDED) && o.role() != null)
                .map(Outcome::role).distinct()
                .sorted(Comparator.comparingInt((String role) -> request.roles().contains(role) ? request.roles().indexOf(role)
                        : Integer.MAX_VALUE).thenComparing(Comparator.naturalOrder()))
                .toList();
        int notRotated = counts.notRotated();
        String rest = notRotated == 0 ? "" : "; " + plural(notRotated, "group") + " not rotated";
        String done = roles.isEmpty() ? "nothing rotated"
                : Wording.listed(roles) + " patched, " + plural(instancesReplaced, "instance") + " replaced";
        String timed = done + (roles.isEmpty() ? "" : request.publishedAt()
                .map(p -> ", " + Wording.readable(Duration.between(p, replacedAt)) + " after publication").orElse(""));
        String id = request.advisory().get();
        List<String> about = new ArrayList<>();
        request.severity().ifPresent(about::add);
        about.addAll(request.packages().isEmpty() ? List.of() : List.of(String.join(", ", request.packages())));
        String full = about.isEmpty() ? id : id + " (" + String.join(", ", about) + ")";
        String severe = request.severity().map(s -> id + " (" + s + ")").orElse(id);
        // an SNS subject is short: the packages go first, then the severity, then how long it took; the message keeps it all
        return List.of(full + ": " + timed + rest, severe + ": " + timed + rest, id + ": " + timed + rest,
                severe + ": " + done + rest, id + ": " + done + rest);
    }

    /** The most complete headline that fits an SNS subject; else the shortest, cut. */
    static String subject(List<String> headlines) {
        return Wording.subject(headlines.stream().filter(h -> h.length() <= Wording.SUBJECT_CHARS).findFirst()
                .orElse(headlines.get(headlines.size() - 1)));
    }

    static String message(ReportRequest request, String headline, List<Outcome> all, Counts counts,
                                  int instancesReplaced, String reportUri) {
        List<String> head = new ArrayList<>();
        head.add(headline + ".");
        head.add("");
        head.add(column("Reason", request.reason()));
        request.advisory().ifPresent(advisory -> head.add(column("Advisory", advisory
                + request.publishedAt().map(p -> ", published " + p).orElse(""))));
        head.add(column("Groups", counts.total() + ": " + counts.succeeded() + " succeeded, " + counts.rolledBack()
                + " rolled back, " + counts.failed() + " failed, " + counts.timedOut() + " timed out, "
                + counts.skipped() + " skipped"));
        head.add(column("Instances", instancesReplaced + " replaced"));
        head.add("");
        List<String> foot = List.of("", column("Report", reportUri), column("Execution", request.executionArn()));

        List<Outcome> ordered = new ArrayList<>(all);
        ordered.sort(order(MESSAGE_ORDER));
        int room = MESSAGE_LINES - head.size() - foot.size();
        int shown = ordered.size() <= room ? ordered.size() : room - 1;
        List<String> lines = new ArrayList<>(head);
        ordered.subList(0, shown).forEach(o -> lines.add(column(LABELS.get(o.outcome()),
                o.asg() + (o.role() == null ? "" : " (" + o.role() + ")") + ": " + clip(describe(o), LINE_REASON_CHARS))));
        if (shown < ordered.size()) {
            lines.add("\u2026 and " + (ordered.size() - shown) + " more: " + reportUri);
        }
        lines.addAll(foot);
        return String.join("\n", lines) + "\n";
    }

    static String describe(Outcome o) {
        boolean said = o.reason() != null && !o.reason().isBlank();
        boolean refreshSaid = o.statusReason() != null && !o.statusReason().isBlank();
        // Auto Scaling's own words (which alarm, which launch error) follow Kiln's
        String why = said && refreshSaid ? o.reason() + ": " + o.statusReason() : said ? o.reason() : refreshSaid ? o.statusReason() : null;
        if (o.outcome().equals(Outcome.SUCCEEDED)) {
            return (o.instances() == null ? "instances replaced" : plural(o.instances(), "instance") + " replaced")
                    + (o.imageId() == null ? "" : " with " + o.imageId());
        }
        return why != null ? why : LABELS.get(o.outcome()).toLowerCase();
    }

    static Comparator<Outcome> order(List<String> ranks) {
        return Comparator.comparingInt((Outcome o) -> ranks.indexOf(o.outcome())).thenComparing(Outcome::asg);
    }

    static String column(String label, String value) {
        return String.format("%-12s %s", label, value);
    }

    /** One line, at most {@code max} characters: AWS's status reasons can be long and multi-line. */
    static String clip(String text, int max) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= max ? line : line.substring(0, max - 1) + "\u2026";
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
