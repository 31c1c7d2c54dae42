package dev.kiln.patchreport;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between patch-report and the state machine that invokes it (statemachines/patch.asl.json): its
 * Report state sends the fields {@link PatchReportService#report} reads, and the machine reads only fields a
 * {@link PatchReportService.Report} has, in its rotation too.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1";

    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("plan", "baked", "followed", "executionArn");
    /** The patch of the advisory in events/: base baked with the fix, web re-baked on it, edge not in time. */
    private static final Map<String, Object> SAMPLES = Map.of(
            "plan", Json.MAPPER.createObjectNode().<ObjectNode>set("advisory",
                    Resources.json("/events/kiln.advisories/security-advisory-published.json").get("detail"))
                    .set("untouched", json("[{\"role\": \"legacy\", \"why\": \"built on Amazon Linux 2, the advisory is for Amazon Linux 2023\"}]")),
            "baked", json("[{\"role\": \"base\", \"status\": \"SUCCEEDED\", \"imageId\": \"ami-0000000000000000b\"}]"),
            "followed", json("""
                    [{"role": "web", "status": "SUCCEEDED", "imageId": "ami-0000000000000000c"}, {"role": "edge", "status": "TIMED_OUT"}]
                    """),
            "executionArn", EXECUTION);

    StateMachineContractTest() {
        super("${PatchReportFunctionArn}", READS, SAMPLES, PatchReportService.Report.class);
    }

    /** What the function answers to one payload, through its handler (it has nothing else to do). */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        return Json.MAPPER.createObjectNode().set("answer", invoke(new PatchReportHandler(new PatchReportService()), payload));
    }

    @Test
    void shouldReportThePatchEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode report = outcome(invocation.payloadWith(SAMPLES)).get("answer");
            assertThat(report.path("complete").asBoolean()).isFalse();
            assertThat(report.path("state").asText()).isEqualTo("INCOMPLETE");
            assertThat(report.path("hasRotation").asBoolean()).isTrue();
            assertThat(report.at("/rotation/advisory").asText()).isEqualTo("ALAS2023-2023-126");
            assertThat(report.at("/rotation/roles")).extracting(JsonNode::asText).containsExactly("base", "web");
            assertThat(report.at("/rotation/executionArn").asText()).isEqualTo(EXECUTION);
            assertThat(report.path("subject").asText()).isEqualTo("Kiln could not fully patch ALAS2023-2023-126 (important): base and web");
            assertThat(report.path("message").asText()).contains("; edge not patched", "Not touched  legacy");
        });
    }

    private static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8), IllegalArgumentException::new);
    }

    @Test
    void shouldRefuseAnEmptyPayloadNamingWhatItLacks() {
        assertThatThrownBy(() -> outcome(Json.MAPPER.createObjectNode()))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("patch-report's payload has no plan.advisory.id, no plan.advisory.publishedAt, no executionArn");
    }
}
