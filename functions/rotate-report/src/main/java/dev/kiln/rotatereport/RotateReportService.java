package dev.kiln.rotatereport;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums up one rotation: every planned group's outcome (a group whose workflow recorded nothing failed),
 * the full report in S3, the {@code Rotation Finished} event's detail (the first 100 outcomes, problems
 * first, so that it stays small at thousands of groups), what people read, e.g.
 * "ALAS2023-2025-1196 (important, expat): web and api patched, 14 instances replaced, 41 minutes after publication"
 * (the SNS subject is that headline when it fits 99 characters, else a shorter form of it), and, for a
 * rotation an advisory asked for, the advisory's record in the ledger.
 */
public record RotateReportService(Ports.PlannedGroups plannedGroups, Ports.Outcomes outcomes,
                                  Ports.ReportStore reports, Ports.AdvisoryLedger ledger, String bucket) {

    private static final Logger LOG = LoggerFactory.getLogger(RotateReportService.class);
    /** The event's detail must stay far below EventBridge's 256 KB at any fleet size. */
    static final int DETAIL_OUTCOMES = 100;
    private static final int DETAIL_REASON_CHARS = 500;

    /** The detail's order: what went wrong first, then what was done, then what was not tried. */
    private static final List<String> DETAIL_ORDER = List.of(Outcome.FAILED, Outcome.TIMED_OUT, Outcome.ROLLED_BACK,
            Outcome.SUCCEEDED, Outcome.SKIPPED);

    public Report report(ReportRequest request, Instant now) {
        List<Outcome> all = outcomes(request);
        all.sort(ReportWording.order(DETAIL_ORDER));
        Counts counts = Counts.of(all);
        int instancesReplaced = all.stream().filter(o -> o.outcome().equals(Outcome.SUCCEEDED))
                .mapToInt(Outcome::instancesOrZero).sum();
        String reportKey = "rotations/" + request.rotation() + "/report.json";
        String reportUri = "s3://" + bucket + "/" + reportKey;
        // when the last group was replaced (else done with), from what was recorded: the same when the report is
        // retried, so that the ledger's record and the summary are too
        Instant replacedAt = latest(all.stream().filter(o -> o.outcome().equals(Outcome.SUCCEEDED)).toList())
                .or(() -> latest(all)).orElse(now);

        List<String> headlines = ReportWording.headlines(request, all, counts, instancesReplaced, replacedAt);
        String headline = headlines.get(0);
        String subject = ReportWording.subject(headlines);
        String message = ReportWording.message(request, headline, all, counts, instancesReplaced, reportUri);
        ObjectNode detail = detail(request, all, counts, instancesReplaced, reportUri, now);

        reports.put(bucket, reportKey, fullReport(request, detail, all, counts, subject).toString());
        request.advisory().ifPresent(advisory -> recordOnLedger(advisory, request.rotation(), all, replacedAt,
                instancesReplaced, subject));
        LOG.info("Rotation reported", entry("rotation", request.rotation()), entry("reason", request.reason()),
                entry("advisory", request.advisory().orElse(null)), entry("status", counts.status()), entry("counts", detail.get("counts")),
                entry("instancesReplaced", instancesReplaced), entry("report", reportUri));
        return new Report(detail, subject, message, counts.status());
    }

    /** The detail with every outcome, as recorded, and what the rotation was asked and planned. */
    private static ObjectNode fullReport(ReportRequest request, ObjectNode detail, List<Outcome> all, Counts counts,
                                         String subject) {
        ObjectNode full = detail.deepCopy();
        full.remove("truncated");
        full.put("subject", subject).set("input", request.input());
        full.putObject("plan").put("bucket", request.planBucket()).put("key", request.planKey());
        full.set("outcomes", Json.MAPPER.valueToTree(all));
        return full;
    }

    private void recordOnLedger(String advisory, String rotation, List<Outcome> all, Instant replacedAt, int instancesReplaced,
                                String subject) {
        Map<String, String> fleets = new TreeMap<>();
        all.forEach(o -> fleets.put(o.asg(), o.outcome()));
        if (!ledger.recordRotation(advisory, new Ports.Rotated(rotation, replacedAt.toString(), instancesReplaced, json(fleets), subject))) {
            // a rotation asked for by hand with an advisory patch never handled: nothing to add the rotation to
            LOG.info("The advisory has no patch record in the ledger; its rotation is not recorded there",
                    entry("advisory", advisory), entry("rotation", rotation));
        }
    }

    /** Every planned group's outcome, in plan order, then any recorded for a group the plan did not list. */
    private List<Outcome> outcomes(ReportRequest request) {
        Map<String, Outcome> recorded = new LinkedHashMap<>();
        outcomes.of(request.rotation()).forEach(r -> recorded.put(r.asg(), Outcome.parse(r)));
        List<Outcome> all = new ArrayList<>();
        for (JsonNode item : planned(request)) {
            String asg = item.path("asg").asText();
            String role = item.hasNonNull("role") ? item.get("role").asText() : null;
            String imageId = item.hasNonNull("imageId") ? item.get("imageId").asText() : null;
            Outcome outcome = recorded.remove(asg);
            if (outcome != null) {
                all.add(outcome.orFrom(role, imageId));
            } else if (item.hasNonNull("skip")) {
                // the plan already said why: whether its workflow recorded it again does not matter
                all.add(Outcome.skipped(asg, role, imageId, item.get("skip").asText()));
            } else {
                all.add(Outcome.failed(asg, role, imageId, "no outcome was recorded"));
            }
        }
        all.addAll(recorded.values());
        return all;
    }

    private JsonNode planned(ReportRequest request) {
        String body = plannedGroups.read(request.planBucket(), request.planKey());
        try {
            JsonNode groups = Json.MAPPER.readTree(body);
            if (groups != null && groups.isArray()) {
                return groups;
            }
        } catch (IOException e) {
            // said below
        }
        throw new MalformedReportRequestException("plan: s3://" + request.planBucket() + "/" + request.planKey()
                + " is not the JSON array of groups rotate-plan writes");
    }

    private static Optional<Instant> latest(List<Outcome> outcomes) {
        return outcomes.stream().flatMap(o -> o.doneAt().stream()).max(Comparator.naturalOrder());
    }

    private static ObjectNode detail(ReportRequest request, List<Outcome> all, Counts counts, int instancesReplaced,
                                     String reportUri, Instant now) {
        ObjectNode detail = Json.MAPPER.createObjectNode().put("rotation", request.rotation()).put("reason", request.reason())
                // a rule can pick "rotations that failed" by this, as a subscription filter picks by the SNS attribute
                .put("status", counts.status());
        request.advisory().ifPresent(advisory -> detail.put("advisory", advisory));
        detail.putObject("counts").put("succeeded", counts.succeeded()).put("rolledBack", counts.rolledBack())
                .put("failed", counts.failed()).put("timedOut", counts.timedOut()).put("skipped", counts.skipped());
        detail.put("instancesReplaced", instancesReplaced);
        ArrayNode outcomes = detail.putArray("outcomes");
        all.stream().limit(DETAIL_OUTCOMES).forEach(o -> outcomes.addObject().put("asg", o.asg()).put("role", o.role())
                .put("outcome", o.outcome()).put("reason", o.reason() == null ? null : ReportWording.clip(o.reason(), DETAIL_REASON_CHARS))
                .put("refreshId", o.refreshId()).put("version", o.version()));
        detail.put("truncated", all.size() > DETAIL_OUTCOMES).put("report", reportUri)
                .put("executionArn", request.executionArn()).put("startedAt", request.startedAt())
                .put("finishedAt", now.toString());
        return detail;
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
