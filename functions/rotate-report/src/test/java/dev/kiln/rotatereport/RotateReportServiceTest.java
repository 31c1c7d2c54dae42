package dev.kiln.rotatereport;

import static dev.kiln.rotatereport.Fakes.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotateReportServiceTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";
    private static final String ROTATION = "r-2026-11-22";
    private static final String PLAN_KEY = "rotations/" + ROTATION + "/groups.json";
    private static final String REPORT = "s3://" + BUCKET + "/rotations/" + ROTATION + "/report.json";
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-rotate:" + ROTATION;
    private static final String NIGHTLY = "{\"reason\": \"nightly\"}";
    private static final String ADVISORY = """
            {"advisory": "ALAS2023-2025-1196", "severity": "important", "packages": ["expat"],
             "publishedAt": "2026-11-22T08:19:00Z", "roles": ["web", "api"],
             "reason": "security advisory ALAS2023-2025-1196 (important: expat)",
             "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1"}""";
    private static final Instant NOW = Instant.parse("2026-11-22T09:05:00Z");
    private static final String AMI = "ami-0a11d0a11d0a11d00";

    private final Fakes.StoredPlans plans = new Fakes.StoredPlans();
    private final Fakes.RecordedOutcomes outcomes = new Fakes.RecordedOutcomes();
    private final Fakes.RecordingReportStore reports = new Fakes.RecordingReportStore();
    private final Fakes.Ledger ledger = new Fakes.Ledger();
    private final RotateReportService service = new RotateReportService(plans, outcomes, reports, ledger, BUCKET);
    private final List<ObjectNode> planned = new ArrayList<>();

    /** A planned group whose workflow recorded {@code outcome} (none when null). */
    private void group(String asg, String role, String outcome) {
        planned.add(item(asg, role, AMI, null));
        if (outcome != null) {
            outcomes.record(ROTATION, asg, outcome);
        }
    }

    private static String succeeded(String asg, String role, int instances, String endedAt) {
        return outcome(asg, role, "succeeded", null, instances, "Successful", endedAt);
    }

    private static String outcome(String asg, String role, String outcome, String reason, Integer instances, String status,
                                  String endedAt) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("asg", asg).put("role", role).put("outcome", outcome)
                .put("reason", reason).put("refreshId", "08b91cf7-8fa6-48af-b6a6-" + String.format("%012d", Math.abs(asg.hashCode())))
                .put("launchTemplateId", "lt-0a20c965061f64abc").put("version", "7").put("createdVersion", true)
                .put("instances", instances).put("imageId", AMI).put("status", status)
                .putNull("statusReason").put("percentage", "succeeded".equals(outcome) ? 100 : 40).put("endedAt", endedAt);
        return node.toString();
    }

    private Report report(String input) throws Exception {
        plans.plans.put(BUCKET + "/" + PLAN_KEY, Fakes.plan(planned.toArray(new ObjectNode[0])));
        return service.report(ReportRequest.from(Json.MAPPER.readTree("""
                {"rotation": "%s", "executionArn": "%s", "input": %s,
                 "plan": {"bucket": "%s", "key": "%s", "groups": %d, "toRotate": %d, "settings": {"poll": {"seconds": 60, "checks": 240}, "maxConcurrency": 10}},
                 "startedAt": "2026-11-22T08:45:00Z"}""".formatted(ROTATION, EXECUTION, input, BUCKET, PLAN_KEY,
                planned.size(), planned.size()))), NOW);
    }

    /** A nightly rotation: 12 succeeded, 1 rolled back, 1 failed, 3 skipped. */
    private void nightlyFleet() {
        for (int i = 1; i <= 12; i++) {
            group(String.format("web-%02d", i), "web", succeeded(String.format("web-%02d", i), "web", i % 3 + 1, "2026-11-22T03:40:00Z"));
        }
        group("api-blue", "api", outcome("api-blue", "api", "rolledBack", "instance refresh 3f1c rolled back: alarm api-5xx went off",
                4, "RollbackSuccessful", "2026-11-22T03:50:00Z"));
        outcomes.record(ROTATION, "api-blue", outcomes.items.get(ROTATION).get("api-blue").outcome(), "2026-11-22T03:50:02.310Z");
        group("api-green", "api", outcome("api-green", "api", "failed", "instance refresh 9a2b failed: instances failed to launch",
                0, "Failed", "2026-11-22T03:55:00Z"));
        group("batch-1", "batch", outcome("batch-1", "batch", "skipped", "already current: every instance runs " + AMI
                + " and the oldest is 3 hours old", 2, null, "2026-11-22T03:01:00Z"));
        planned.add(item("cache-1", "cache", null, "role cache is not in Kiln's configuration"));
        planned.add(item("web-frozen", "web", AMI, "frozen by its kiln:freeze tag"));
    }

    @Test
    void shouldCountEveryOutcomeAndTheInstancesOnlySucceededGroupsReplaced() throws Exception {
        nightlyFleet();
        group("web-slow", "web", outcome("web-slow", "web", "timedOut", "instance refresh 77aa was still InProgress at the deadline",
                5, "InProgress", null));

        Report report = report(NIGHTLY);

        assertThat(report.detail().get("counts")).isEqualTo(Json.MAPPER.readTree("""
                {"succeeded": 12, "rolledBack": 1, "failed": 1, "timedOut": 1, "skipped": 3}"""));
        // 12 succeeded groups replaced 1, 2 or 3 instances each; the rolled-back, timed-out and skipped ones do not count
        assertThat(report.detail().get("instancesReplaced").asLong()).isEqualTo(24);
        assertThat(outcomes.queried).containsExactly(ROTATION);
    }

    @Test
    void shouldCountAPlannedGroupWithNoRecordedOutcomeAsFailed() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 2, "2026-11-22T08:59:00Z"));
        group("web-lost", "web", null);

        Report report = report(NIGHTLY);

        assertThat(report.detail().get("outcomes").get(0)).isEqualTo(Json.MAPPER.readTree("""
                {"asg": "web-lost", "role": "web", "outcome": "failed", "reason": "no outcome was recorded",
                 "refreshId": null, "version": null}"""));
        assertThat(report.detail().at("/counts/failed").asInt()).isEqualTo(1);
        assertThat(report.status()).isEqualTo("PARTIAL");
    }

    @Test
    void shouldSayInRotationFinishedWhetherTheRotationSucceededPartlyOrFailed() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 2, "2026-11-22T08:59:00Z"));
        assertThat(report(NIGHTLY).detail().get("status").asText()).isEqualTo("SUCCEEDED");

        group("web-lost", "web", null);
        assertThat(report(NIGHTLY).detail().get("status").asText()).isEqualTo("PARTIAL");
    }

    @Test
    void shouldReportAGroupThePlanSkippedWithThePlansReasonWhetherOrNotItsWorkflowRecordedIt() throws Exception {
        planned.add(item("cache-1", "cache", null, "role cache is not in Kiln's configuration"));
        planned.add(item("web-frozen", "web", AMI, "frozen by its kiln:freeze tag"));
        outcomes.record(ROTATION, "web-frozen", outcome("web-frozen", "web", "skipped", "frozen by its kiln:freeze tag", null, null, null));

        Report report = report(NIGHTLY);

        assertThat(report.detail().get("outcomes")).extracting(o -> o.get("asg").asText() + " " + o.get("outcome").asText()
                + ": " + o.get("reason").asText()).containsExactly(
                "cache-1 skipped: role cache is not in Kiln's configuration",
                "web-frozen skipped: frozen by its kiln:freeze tag");
        assertThat(report.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldCountAnOutcomeKilnCannotReadAsFailedNeverAsSucceeded() throws Exception {
        group("web-1", "web", "not json");
        group("web-2", "web", "{\"asg\": \"web-2\", \"outcome\": \"done\", \"reason\": \"who knows\"}");
        group("web-3", "web", "{\"asg\": \"web-3\"}");

        Report report = report(NIGHTLY);

        assertThat(report.detail().get("outcomes")).extracting(o -> o.get("outcome").asText() + ": " + o.get("reason").asText())
                .containsExactly("failed: its recorded outcome is not a JSON object",
                        "failed: its recorded outcome 'done' is not one Kiln knows: who knows",
                        "failed: its recorded outcome is missing");
        assertThat(report.status()).isEqualTo("FAILED");
    }

    @Test
    void shouldListFailedTimedOutAndRolledBackGroupsFirstThenSucceededThenSkippedInTheDetail() throws Exception {
        group("a-skipped", "web", outcome("a-skipped", "web", "skipped", "already current", 2, null, null));
        group("b-succeeded", "web", succeeded("b-succeeded", "web", 2, null));
        group("c-rolled-back", "web", outcome("c-rolled-back", "web", "rolledBack", "alarm", 2, "RollbackSuccessful", null));
        group("d-timed-out", "web", outcome("d-timed-out", "web", "timedOut", "deadline", 2, "InProgress", null));
        group("e-failed", "web", outcome("e-failed", "web", "failed", "launch failed", 0, "Failed", null));
        group("f-failed", "web", outcome("f-failed", "web", "failed", "launch failed", 0, "Failed", null));
        group("g-succeeded", "web", succeeded("g-succeeded", "web", 2, null));

        Report report = report(NIGHTLY);

        assertThat(report.detail().get("outcomes")).extracting(o -> o.get("asg").asText()).containsExactly(
                "e-failed", "f-failed", "d-timed-out", "c-rolled-back", "b-succeeded", "g-succeeded", "a-skipped");
        assertThat(report.detail().get("outcomes").get(4)).isEqualTo(Json.MAPPER.readTree("""
                {"asg": "b-succeeded", "role": "web", "outcome": "succeeded", "reason": null,
                 "refreshId": "08b91cf7-8fa6-48af-b6a6-%012d", "version": "7"}""".formatted(Math.abs("b-succeeded".hashCode()))));
        assertThat(report.detail().get("truncated").asBoolean()).isFalse();
    }

    @Test
    void shouldKeepAtMostOneHundredOutcomesInTheDetailProblemsFirstAndSaySo() throws Exception {
        for (int i = 0; i < 150; i++) {
            String asg = String.format("web-%03d", i);
            group(asg, "web", i % 50 == 0 ? outcome(asg, "web", "failed", "launch failed", 0, "Failed", null)
                    : succeeded(asg, "web", 1, null));
        }

        Report report = report(NIGHTLY);

        JsonNode detail = report.detail();
        assertThat(detail.get("outcomes")).hasSize(100);
        assertThat(detail.get("outcomes")).extracting(o -> o.get("asg").asText()).startsWith("web-000", "web-050", "web-100", "web-001");
        assertThat(detail.get("truncated").asBoolean()).isTrue();
        assertThat(detail.get("report").asText()).isEqualTo(REPORT);
        assertThat(detail.at("/counts/succeeded").asInt()).isEqualTo(147);
    }

    @Test
    void shouldGiveTheEventDetailEveryFieldOfTheContract() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 2, "2026-11-22T08:59:00Z"));

        Report report = report(ADVISORY);

        assertThat(report.detail()).isEqualTo(Json.MAPPER.readTree("""
                {"rotation": "%s", "reason": "security advisory ALAS2023-2025-1196 (important: expat)",
                 "status": "SUCCEEDED", "advisory": "ALAS2023-2025-1196",
                 "counts": {"succeeded": 1, "rolledBack": 0, "failed": 0, "timedOut": 0, "skipped": 0},
                 "instancesReplaced": 2,
                 "outcomes": [{"asg": "web-blue", "role": "web", "outcome": "succeeded", "reason": null,
                               "refreshId": "08b91cf7-8fa6-48af-b6a6-%012d", "version": "7"}],
                 "truncated": false, "report": "%s", "executionArn": "%s",
                 "startedAt": "2026-11-22T08:45:00Z", "finishedAt": "2026-11-22T09:05:00Z"}"""
                .formatted(ROTATION, Math.abs("web-blue".hashCode()), REPORT, EXECUTION)));
    }

    @Test
    void shouldSumUpANightlyRotationInTheSubject() throws Exception {
        nightlyFleet();

        Report report = report(NIGHTLY);

        assertThat(report.subject()).isEqualTo("Kiln rotation: 12 succeeded, 1 rolled back, 1 failed, 3 skipped");
        assertThat(report.detail().get("reason").asText()).isEqualTo("nightly");
        assertThat(report.detail().has("advisory")).isFalse();
    }

    @Test
    void shouldCallARotationWithoutAReasonManualAndSayWhenThereWasNothingToRotate() throws Exception {
        Report report = report("{\"asgs\": [\"web-blue\"]}");

        assertThat(report.subject()).isEqualTo("Kiln rotation: no group to rotate");
        assertThat(report.detail().get("reason").asText()).isEqualTo("manual");
        assertThat(report.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldSayWhichRolesAnAdvisoryPatchedAndHowLongAfterPublication() throws Exception {
        group("api-1", "api", succeeded("api-1", "api", 4, "2026-11-22T08:58:30Z"));
        group("web-blue", "web", succeeded("web-blue", "web", 6, "2026-11-22T09:00:00Z"));
        group("web-green", "web", succeeded("web-green", "web", 4, "2026-11-22T08:57:00Z"));
        planned.add(item("web-frozen", "web", AMI, "frozen by its kiln:freeze tag"));

        Report report = report(ADVISORY);

        // the last group finished at 09:00, 41 minutes after 08:19; a subject has room for 99 characters, the message for all
        assertThat(report.message()).startsWith(
                "ALAS2023-2025-1196 (important, expat): web and api patched, 14 instances replaced, 41 minutes after publication.\n");
        assertThat(report.subject()).isEqualTo(
                "ALAS2023-2025-1196: web and api patched, 14 instances replaced, 41 minutes after publication");
        assertThat(report.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldSayHowManyGroupsAnAdvisoryCouldNotRotate() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 1, "2026-11-22T11:30:00Z"));
        group("web-green", "web", outcome("web-green", "web", "rolledBack", "alarm", 2, "RollbackSuccessful", "2026-11-22T11:31:00Z"));

        Report report = report(ADVISORY);

        assertThat(report.message()).startsWith("ALAS2023-2025-1196 (important, expat): web patched, 1 instance replaced,"
                + " 3 hours after publication; 1 group not rotated.\n");
        // too long for a subject with how long it took: the subject keeps the count of groups not rotated
        assertThat(report.subject()).isEqualTo("ALAS2023-2025-1196 (important): web patched, 1 instance replaced; 1 group not rotated");
        assertThat(report.status()).isEqualTo("PARTIAL");
    }

    @Test
    void shouldSayAnAdvisoryRotatedNothingWhenNoGroupSucceeded() throws Exception {
        group("web-blue", "web", outcome("web-blue", "web", "failed", "launch failed", 0, "Failed", "2026-11-22T09:00:00Z"));
        group("web-green", "web", outcome("web-green", "web", "timedOut", "deadline", 0, "InProgress", null));

        Report report = report(ADVISORY);

        assertThat(report.subject()).isEqualTo("ALAS2023-2025-1196 (important, expat): nothing rotated; 2 groups not rotated");
        assertThat(report.status()).isEqualTo("FAILED");
    }

    @Test
    void shouldSumUpTheRotationPatchAskedForFromItsRotationRequestedEvent() throws Exception {
        JsonNode detail;
        try (InputStream in = getClass().getResourceAsStream("/events/kiln.patch/rotation-requested.json")) {
            detail = Json.MAPPER.readTree(in).get("detail");
        }
        group("web-blue", "web", succeeded("web-blue", "web", 3, "2026-11-22T12:30:00Z"));

        Report report = report(detail.toString());

        assertThat(report.subject()).startsWith("ALAS2023-2023-126").contains(": web patched, 3 instances replaced");
        assertThat(report.detail().get("advisory").asText()).isEqualTo("ALAS2023-2023-126");
        assertThat(report.detail().get("reason").asText()).isEqualTo(detail.get("reason").asText());
    }

    @Test
    void shouldSayWhatItKnowsWhenTheAdvisoryComesWithoutPackagesOrPublicationTime() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 3, "2026-11-22T12:30:00Z"));

        Report report = report("{\"advisory\": \"ALAS2023-2023-126\", \"severity\": \"important\", \"roles\": [\"web\"]}");

        assertThat(report.subject()).isEqualTo("ALAS2023-2023-126 (important): web patched, 3 instances replaced");
    }

    @Test
    void shouldKeepTheSubjectAsciiAndUnderOneHundredCharacters() throws Exception {
        group("web-blue", "web\u00e9", succeeded("web-blue", "web\u00e9", 3, "2026-11-22T09:00:00Z"));

        Report report = report(ADVISORY.replace("[\"expat\"]", "[\"expat\", \"libxml2\", \"libxslt\", \"python3-lxml\", \"xmlsec1\"]"));

        assertThat(report.subject()).hasSizeLessThanOrEqualTo(99).matches("[\\x20-\\x7E]+")
                .isEqualTo("ALAS2023-2025-1196 (important): web? patched, 3 instances replaced, 41 minutes after publication");
        assertThat(report.message()).startsWith("ALAS2023-2025-1196 (important, expat, libxml2, libxslt, python3-lxml, xmlsec1):"
                + " web\u00e9 patched, 3 instances replaced, 41 minutes after publication.\n");
    }

    @Test
    void shouldBeSucceededOnlyWhenNothingFailedTimedOutOrRolledBackAndFailedOnlyWhenNothingSucceeded() throws Exception {
        assertThat(statusOf("succeeded", "skipped")).isEqualTo("SUCCEEDED");
        assertThat(statusOf("skipped", "skipped")).isEqualTo("SUCCEEDED");
        assertThat(statusOf("succeeded", "failed")).isEqualTo("PARTIAL");
        assertThat(statusOf("succeeded", "timedOut")).isEqualTo("PARTIAL");
        assertThat(statusOf("succeeded", "rolledBack")).isEqualTo("PARTIAL");
        assertThat(statusOf("rolledBack", "skipped")).isEqualTo("FAILED");
        assertThat(statusOf("timedOut", "failed")).isEqualTo("FAILED");
    }

    private String statusOf(String first, String second) throws Exception {
        Fakes.RecordedOutcomes recorded = new Fakes.RecordedOutcomes();
        Fakes.StoredPlans stored = new Fakes.StoredPlans();
        stored.plans.put(BUCKET + "/" + PLAN_KEY, Fakes.plan(item("a", "web", AMI, null), item("b", "web", AMI, null)));
        recorded.record(ROTATION, "a", outcome("a", "web", first, null, 1, null, null));
        recorded.record(ROTATION, "b", outcome("b", "web", second, null, 1, null, null));
        return new RotateReportService(stored, recorded, reports, ledger, BUCKET).report(ReportRequest.from(Json.MAPPER.readTree("""
                {"rotation": "%s", "executionArn": "%s", "input": {}, "plan": {"bucket": "%s", "key": "%s"}}"""
                .formatted(ROTATION, EXECUTION, BUCKET, PLAN_KEY))), NOW).status();
    }

    @Test
    void shouldListEveryGroupInTheMessageWhenTheyFitOnOneScreen() throws Exception {
        nightlyFleet();

        Report report = report(NIGHTLY);

        assertThat(report.message()).isEqualTo("""
                Kiln rotation: 12 succeeded, 1 rolled back, 1 failed, 3 skipped.

                Reason       nightly
                Groups       17: 12 succeeded, 1 rolled back, 1 failed, 0 timed out, 3 skipped
                Instances    24 replaced

                Failed       api-green (api): instance refresh 9a2b failed: instances failed to launch
                Rolled back  api-blue (api): instance refresh 3f1c rolled back: alarm api-5xx went off
                Skipped      batch-1 (batch): already current: every instance runs ami-0a11d0a11d0a11d00 and the oldest is 3 hours old
                Skipped      cache-1 (cache): role cache is not in Kiln's configuration
                Skipped      web-frozen (web): frozen by its kiln:freeze tag
                Succeeded    web-01 (web): 2 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-02 (web): 3 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-03 (web): 1 instance replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-04 (web): 2 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-05 (web): 3 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-06 (web): 1 instance replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-07 (web): 2 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-08 (web): 3 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-09 (web): 1 instance replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-10 (web): 2 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-11 (web): 3 instances replaced with ami-0a11d0a11d0a11d00
                Succeeded    web-12 (web): 1 instance replaced with ami-0a11d0a11d0a11d00

                Report       %s
                Execution    %s
                """.formatted(REPORT, EXECUTION));
    }

    @Test
    void shouldFitTheMessageOnOneScreenWithEveryProblemFirstAndPointToTheReportForTheRest() throws Exception {
        for (int i = 0; i < 60; i++) {
            String asg = String.format("web-%02d", i);
            group(asg, "web", i < 5 ? outcome(asg, "web", "failed", "launch failed:\n  subnet full", 0, "Failed", null)
                    : succeeded(asg, "web", 1, null));
        }

        Report report = report(ADVISORY);

        List<String> lines = report.message().lines().toList();
        assertThat(lines).hasSize(ReportWording.MESSAGE_LINES);
        assertThat(lines.get(0)).isEqualTo("ALAS2023-2025-1196 (important, expat): web patched, 55 instances replaced,"
                + " 46 minutes after publication; 5 groups not rotated.");
        assertThat(lines).contains("Advisory     ALAS2023-2025-1196, published 2026-11-22T08:19:00Z",
                "Failed       web-00 (web): launch failed: subnet full",
                "Failed       web-04 (web): launch failed: subnet full",
                "Succeeded    web-05 (web): 1 instance replaced with " + AMI);
        // 40 lines: 7 above the groups, 3 below, so 29 groups and the line that points to the rest
        assertThat(lines.get(lines.size() - 4)).isEqualTo("\u2026 and 31 more: " + REPORT);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Execution    " + EXECUTION);
    }

    @Test
    void shouldWriteTheFullReportWithEveryOutcomeAsRecorded() throws Exception {
        nightlyFleet();

        report(NIGHTLY);

        assertThat(reports.puts).singleElement().satisfies(put -> {
            assertThat(put.bucket()).isEqualTo(BUCKET);
            assertThat(put.key()).isEqualTo("rotations/" + ROTATION + "/report.json");
            JsonNode full = Json.MAPPER.readTree(put.json());
            assertThat(full.get("outcomes")).hasSize(17);
            assertThat(full.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(full.get("subject").asText()).isEqualTo("Kiln rotation: 12 succeeded, 1 rolled back, 1 failed, 3 skipped");
            assertThat(full.get("input")).isEqualTo(Json.MAPPER.readTree(NIGHTLY));
            assertThat(full.get("plan")).isEqualTo(Json.MAPPER.readTree("{\"bucket\": \"%s\", \"key\": \"%s\"}".formatted(BUCKET, PLAN_KEY)));
            assertThat(full.get("outcomes").get(1)).isEqualTo(((ObjectNode) Json.MAPPER.readTree(outcome("api-blue", "api", "rolledBack",
                    "instance refresh 3f1c rolled back: alarm api-5xx went off", 4, "RollbackSuccessful", "2026-11-22T03:50:00Z")))
                    .put("recordedAt", "2026-11-22T03:50:02.310Z"));
            assertThat(full.get("outcomes").get(16)).isEqualTo(Json.MAPPER.readTree("""
                    {"asg": "web-frozen", "role": "web", "outcome": "skipped", "reason": "frozen by its kiln:freeze tag",
                     "refreshId": null, "launchTemplateId": null, "version": null, "createdVersion": null, "instances": null,
                     "imageId": "%s", "status": null, "statusReason": null, "percentage": null, "endedAt": null,
                     "recordedAt": null}""".formatted(AMI)));
        });
    }

    @Test
    void shouldRecordTheRotationOnTheAdvisorysPatchRecordWithTheSameValuesWhenRetried() throws Exception {
        ledger.patchRecords.add("ALAS2023-2025-1196");
        group("web-blue", "web", succeeded("web-blue", "web", 6, "2026-11-22T09:00:00Z"));
        group("web-green", "web", outcome("web-green", "web", "rolledBack", "alarm", 2, "RollbackSuccessful", "2026-11-22T08:58:00Z"));
        planned.add(item("web-frozen", "web", AMI, "frozen by its kiln:freeze tag"));

        Report first = report(ADVISORY);
        Report retried = service.report(ReportRequest.from(Json.MAPPER.readTree("""
                {"rotation": "%s", "executionArn": "%s", "input": %s, "plan": {"bucket": "%s", "key": "%s"},
                 "startedAt": "2026-11-22T08:45:00Z"}""".formatted(ROTATION, EXECUTION, ADVISORY, BUCKET, PLAN_KEY))),
                NOW.plusSeconds(600));

        Ports.Rotated expected = new Ports.Rotated(ROTATION, "2026-11-22T09:00:00Z", 6,
                "{\"web-blue\":\"succeeded\",\"web-frozen\":\"skipped\",\"web-green\":\"rolledBack\"}",
                "ALAS2023-2025-1196 (important): web patched, 6 instances replaced; 1 group not rotated");
        assertThat(ledger.calls).containsExactly(new Fakes.Ledger.Call("ALAS2023-2025-1196", expected),
                new Fakes.Ledger.Call("ALAS2023-2025-1196", expected));
        assertThat(expected.summary()).isEqualTo(first.subject()).isEqualTo(retried.subject());
    }

    @Test
    void shouldLeaveTheLedgerAloneWithoutAnAdvisory() throws Exception {
        ledger.patchRecords.add("ALAS2023-2025-1196");
        nightlyFleet();

        report(NIGHTLY);

        assertThat(ledger.calls).isEmpty();
    }

    @Test
    void shouldStillReportAnAdvisoryRotationThePatchLedgerHasNoRecordOf() throws Exception {
        group("web-blue", "web", succeeded("web-blue", "web", 6, "2026-11-22T09:00:00Z"));

        Report report = report(ADVISORY);

        assertThat(ledger.calls).hasSize(1);
        assertThat(ledger.recorded).isEmpty();
        assertThat(report.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldReadTheRefreshAsTheWorkflowRecordsItWhole() throws Exception {
        // given: what rotate's Record state writes: the contract's fields, and the DescribeInstanceRefreshes entry
        planned.add(item("web-blue", "web", AMI, null));
        outcomes.record(ROTATION, "web-blue", Fakes.webBlueAsRecorded(AMI, "2026-11-22T08:30:10Z", "2026-11-22T08:59:12Z"),
                "2026-11-22T09:00:05.120Z");
        ledger.patchRecords.add("ALAS2023-2025-1196");

        // when
        Report report = report(ADVISORY);

        // then
        JsonNode recorded = Json.MAPPER.readTree(reports.puts.get(0).json()).get("outcomes").get(0);
        assertThat(recorded.get("statusReason").asText()).isEqualTo("Refresh complete");
        assertThat(recorded.get("percentage").asInt()).isEqualTo(100);
        assertThat(recorded.get("endedAt").asText()).isEqualTo("2026-11-22T08:59:12Z");
        assertThat(recorded.get("recordedAt").asText()).isEqualTo("2026-11-22T09:00:05.120Z");
        assertThat(ledger.recorded.get("ALAS2023-2025-1196").rotatedAt()).isEqualTo("2026-11-22T08:59:12Z");
        assertThat(report.subject()).contains("40 minutes after publication");
    }

    @Test
    void shouldDateTheRotationByWhenTheLastOutcomeWasRecordedWhenNoRefreshSaysWhenItEnded() throws Exception {
        ledger.patchRecords.add("ALAS2023-2025-1196");
        group("web-blue", "web", succeeded("web-blue", "web", 2, null));
        outcomes.record(ROTATION, "web-blue", outcomes.items.get(ROTATION).get("web-blue").outcome(), "2026-11-22T09:01:30.500Z");
        group("web-green", "web", succeeded("web-green", "web", 2, null));
        outcomes.record(ROTATION, "web-green", outcomes.items.get(ROTATION).get("web-green").outcome(), "2026-11-22T08:50:00Z");

        report(ADVISORY);

        assertThat(ledger.recorded.get("ALAS2023-2025-1196").rotatedAt()).isEqualTo("2026-11-22T09:01:30.500Z");
    }

    @Test
    void shouldRefuseAPlanThatIsNotTheGroupsRotatePlanWrites() {
        plans.plans.put(BUCKET + "/" + PLAN_KEY, "{\"groups\": 3}");

        assertThatThrownBy(() -> service.report(ReportRequest.from(Json.MAPPER.readTree("""
                {"rotation": "%s", "input": {}, "plan": {"bucket": "%s", "key": "%s"}}""".formatted(ROTATION, BUCKET, PLAN_KEY))), NOW))
                .isInstanceOf(MalformedReportRequestException.class)
                .hasMessage("plan: s3://%s/%s is not the JSON array of groups rotate-plan writes".formatted(BUCKET, PLAN_KEY));
        assertThat(reports.puts).isEmpty();
    }

    @Test
    void shouldReportTwoThousandGroupsInASmallDetailAndAOneScreenMessage() throws Exception {
        String[] kinds = {"succeeded", "succeeded", "succeeded", "skipped", "succeeded", "failed", "succeeded", "rolledBack",
                "succeeded", "timedOut"};
        for (int i = 0; i < 2000; i++) {
            String asg = String.format("fleet-web-%04d", i);
            String kind = kinds[i % kinds.length];
            group(asg, "web", kind.equals("succeeded") ? succeeded(asg, "web", 3, "2026-11-22T08:59:00Z")
                    : outcome(asg, "web", kind, "instance refresh " + kind + ": " + "x".repeat(200), 3, "Failed", "2026-11-22T08:59:00Z"));
        }

        Report report = report(ADVISORY);

        byte[] detail = Json.MAPPER.writeValueAsBytes(report.detail());
        long lines = report.message().lines().count();
        System.out.printf("rotate-report, 2,000 outcomes: detail %,d bytes, message %d lines, report.json %,d bytes%n",
                detail.length, lines, reports.puts.get(0).json().getBytes(StandardCharsets.UTF_8).length);
        assertThat(detail.length).isLessThan(64 * 1024);
        assertThat(lines).isLessThanOrEqualTo(ReportWording.MESSAGE_LINES);
        assertThat(report.detail().get("outcomes")).hasSize(100);
        assertThat(report.detail().at("/counts/succeeded").asInt()).isEqualTo(1200);
        assertThat(report.detail().get("instancesReplaced").asLong()).isEqualTo(3600);
        assertThat(report.message()).contains("\u2026 and 1971 more: " + REPORT);
        assertThat(report.status()).isEqualTo("PARTIAL");
        assertThat(Json.MAPPER.readTree(ledger.calls.isEmpty() ? "{}" : ledger.calls.get(0).rotated().fleets())).hasSize(2000);
    }
}
