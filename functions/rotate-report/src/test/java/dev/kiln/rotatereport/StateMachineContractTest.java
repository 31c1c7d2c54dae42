package dev.kiln.rotatereport;

import static dev.kiln.common.testing.StateMachines.invoke;
import static dev.kiln.rotatereport.Fakes.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between rotate-report and the state machines that invoke it (statemachines/*.asl.json): each
 * Task sends the fields {@link ReportRequest#from} reads, and the machine reads only fields a {@link Report}
 * has, in the event detail it answers too.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String BUCKET = "kiln-artifacts-000000000000";
    private static final String ROTATION = "r-2026-11-22";
    private static final String PLAN_KEY = "rotations/" + ROTATION + "/groups.json";
    private static final String AMI = "ami-0a11d0a11d0a11d00";
    private static final String ADVISORY = "ALAS2023-2023-126";

    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("rotation", "executionArn", "input", "plan", "startedAt");
    /** A rotation a kiln.patch Rotation Requested event started, and rotate-plan's answer to it. */
    private static final Map<String, Object> SAMPLES = Map.of("rotation", ROTATION,
            "executionArn", "arn:aws:states:us-east-1:000000000000:execution:kiln-rotate:" + ROTATION,
            "input", Resources.json("/events/kiln.patch/rotation-requested.json").get("detail"),
            "plan", Json.MAPPER.createObjectNode().put("bucket", BUCKET).put("key", PLAN_KEY).put("groups", 2).put("toRotate", 1)
                    .set("settings", Json.MAPPER.createObjectNode().put("maxConcurrency", 10)
                            .set("poll", Json.MAPPER.createObjectNode().put("seconds", 60).put("checks", 240))),
            "startedAt", "2026-11-22T11:47:05.312Z");

    StateMachineContractTest() {
        super("${RotateReportFunctionArn}", READS, SAMPLES, Report.class);
    }

    /**
     * What the function does with one payload, through its handler: the report, the full one it wrote and what it
     * recorded on the ledger; but when it finished, which is the handler's clock and no part of the payload.
     */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Fakes.StoredPlans plans = new Fakes.StoredPlans();
        plans.plans.put(BUCKET + "/" + PLAN_KEY, Fakes.plan(item("web-blue", "web", AMI, null),
                item("web-green", "web", AMI, "frozen by its kiln:freeze tag")));
        Fakes.RecordedOutcomes outcomes = new Fakes.RecordedOutcomes();
        outcomes.record(ROTATION, "web-blue", Fakes.webBlueAsRecorded(AMI, "2026-11-22T11:50:10Z", "2026-11-22T12:19:12Z"),
                "2026-11-22T12:20:05.120Z");
        Fakes.RecordingReportStore reports = new Fakes.RecordingReportStore();
        Fakes.Ledger ledger = new Fakes.Ledger();
        ledger.patchRecords.add(ADVISORY);
        JsonNode report = invoke(new RotateReportHandler(new RotateReportService(plans, outcomes, reports, ledger, BUCKET)), payload);
        ((ObjectNode) report.get("detail")).remove("finishedAt");
        ObjectNode full = (ObjectNode) Json.tree(reports.puts.get(0).json().getBytes(StandardCharsets.UTF_8), IllegalStateException::new);
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", report)
                .<ObjectNode>set("wrote", full.without("finishedAt"))
                .set("recorded", Json.MAPPER.valueToTree(ledger.calls));
    }

    @Test
    void shouldSumUpTheRotationEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            assertThat(outcome.at("/answer/status").asText()).isEqualTo("SUCCEEDED");
            assertThat(outcome.at("/answer/subject").asText()).startsWith(ADVISORY).contains(": web patched, 4 instances replaced");
            assertThat(outcome.at("/answer/detail/counts")).isEqualTo(Json.MAPPER.createObjectNode().put("succeeded", 1)
                    .put("rolledBack", 0).put("failed", 0).put("timedOut", 0).put("skipped", 1));
            assertThat(outcome.at("/recorded/0/advisory").asText()).isEqualTo(ADVISORY);
        });
    }
}
