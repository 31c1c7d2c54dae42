package dev.kiln.rotatereport;

import static dev.kiln.rotatereport.Fakes.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.EmfRecords;
import dev.kiln.common.testing.FakeContext;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import dev.kiln.rotatereport.errors.PlanNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotateReportHandlerTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";

    private final Fakes.StoredPlans plans = new Fakes.StoredPlans();
    private final Fakes.RecordedOutcomes outcomes = new Fakes.RecordedOutcomes();
    private final Fakes.RecordingReportStore reports = new Fakes.RecordingReportStore();
    private final Fakes.Ledger ledger = new Fakes.Ledger();
    private final RotateReportHandler handler = new RotateReportHandler(
            new RotateReportService(plans, outcomes, reports, ledger, BUCKET));

    private JsonNode handle(String payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), output, new FakeContext("kiln-rotate-report"));
        return Json.MAPPER.readTree(output.toByteArray());
    }

    /** The message of the typed error the handler refuses {@code payload} with. */
    private String refusal(String payload) {
        return assertThatExceptionOfType(MalformedReportRequestException.class).isThrownBy(() -> handle(payload)).actual().getMessage();
    }

    @Test
    void shouldAnswerWithTheEventDetailSubjectMessageAndStatus() throws Exception {
        // given
        ledger.patchRecords.add("ALAS2023-2025-1196");
        plans.plans.put(BUCKET + "/rotations/r-1/groups.json", Fakes.plan(item("web-blue", "web", "ami-0a11d0a11d0a11d00", null),
                item("web-green", "web", "ami-0a11d0a11d0a11d00", "frozen by its kiln:freeze tag")));
        outcomes.record("r-1", "web-blue", """
                {"asg": "web-blue", "role": "web", "outcome": "succeeded", "reason": null,
                 "refreshId": "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b", "launchTemplateId": "lt-0a20c965061f64abc",
                 "version": "8", "createdVersion": true, "instances": 4, "imageId": "ami-0a11d0a11d0a11d00",
                 "status": "Successful", "statusReason": null, "percentage": 100, "endedAt": "2026-11-22T09:00:00Z"}""");

        // when
        JsonNode[] answers = new JsonNode[1];
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> answers[0] = handle("""
                {"rotation": "r-1", "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-rotate:r-1",
                 "input": {"advisory": "ALAS2023-2025-1196", "severity": "important", "packages": ["expat"],
                           "publishedAt": "2026-11-22T08:19:00Z", "roles": ["web"], "reason": "security advisory ALAS2023-2025-1196 (important: expat)"},
                 "plan": {"bucket": "%s", "key": "rotations/r-1/groups.json", "groups": 2, "toRotate": 1,
                          "settings": {"poll": {"seconds": 60, "checks": 240}, "maxConcurrency": 10}},
                 "startedAt": "2026-11-22T08:30:00Z"}""".formatted(BUCKET)));
        JsonNode answer = answers[0];

        // then
        assertThat(metrics).containsExactly(
                new EmfRecords.Metric("Kiln", "Rotations", "Count", Map.of("Status", "SUCCEEDED"), 1));
        System.out.println("rotate-report answer: " + answer.toPrettyString());
        assertThat(answer.fieldNames()).toIterable().containsExactly("detail", "subject", "message", "status");
        assertThat(answer.get("subject").asText()).isEqualTo(
                "ALAS2023-2025-1196 (important): web patched, 4 instances replaced, 41 minutes after publication");
        assertThat(answer.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(answer.at("/detail/counts")).isEqualTo(Json.MAPPER.readTree("""
                {"succeeded": 1, "rolledBack": 0, "failed": 0, "timedOut": 0, "skipped": 1}"""));
        assertThat(answer.at("/detail/finishedAt").asText()).isNotBlank();
        assertThat(answer.get("message").asText()).endsWith(
                "Execution    arn:aws:states:us-east-1:000000000000:execution:kiln-rotate:r-1\n");
        assertThat(ledger.recorded).containsOnlyKeys("ALAS2023-2025-1196");
        assertThat(reports.puts).hasSize(1);
    }

    @Test
    void shouldFailWithATypedErrorWhenThePayloadIsNotRotatesAndWriteNothing() {
        assertThat(refusal("{\"rotation\": \"r-1\", \"input\": {}}"))
                .isEqualTo("plan: must be rotate-plan's answer, with its bucket and key, got nothing");
        assertThat(refusal("{\"rotation\": \"a/b\", \"plan\": {\"bucket\": \"b\", \"key\": \"k\"}}"))
                .isEqualTo("rotation: must be the execution's name (1 to 80 characters, no '/'), got \"a/b\"");
        assertThat(refusal("{\"rotation\": \"r-1\", \"input\": [], \"plan\": {\"bucket\": \"b\", \"key\": \"k\"}}"))
                .isEqualTo("input: must be a JSON object, got ARRAY");
        assertThat(refusal("{")).startsWith("the payload is not JSON");
        assertThat(reports.puts).isEmpty();
        assertThat(ledger.calls).isEmpty();
    }

    @Test
    void shouldFailWithATypedErrorWhenThePlanIsNotWhereItShouldBe() {
        assertThatThrownBy(() -> handle("""
                {"rotation": "r-1", "input": {}, "plan": {"bucket": "%s", "key": "rotations/r-1/groups.json"}}""".formatted(BUCKET)))
                .isInstanceOf(PlanNotFoundException.class);
        assertThat(reports.puts).isEmpty();
    }

    @Test
    void shouldRefuseToStartWhenItsSettingsAreMissing() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("LEDGER_TABLE", "kiln-ledger", "ARTIFACTS_BUCKET", BUCKET)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ROTATIONS_TABLE is not set: the function's deployment must provide it");
        assertThat(Config.fromEnv(Map.of("ROTATIONS_TABLE", "kiln-rotations", "ARTIFACTS_BUCKET", BUCKET)))
                .as("a member stack keeps no advisories ledger").isEqualTo(new Config("kiln-rotations", null, BUCKET));
        assertThat(Config.fromEnv(Map.of("ROTATIONS_TABLE", "kiln-rotations", "LEDGER_TABLE", "kiln-ledger", "ARTIFACTS_BUCKET", BUCKET)))
                .isEqualTo(new Config("kiln-rotations", "kiln-ledger", BUCKET));
    }
}
