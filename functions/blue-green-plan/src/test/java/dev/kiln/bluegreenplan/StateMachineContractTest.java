package dev.kiln.bluegreenplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between blue-green-plan and the blue-green state machine: the Plan state sends the fields
 * {@link PlanRequest#from} reads, and the machine reads only fields a {@link BlueGreenPlan} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final Set<String> READS = Set.of("input", "execution", "startedAt");
    private static final Map<String, Object> SAMPLES = Map.of(
            "input", Resources.json("/events/inputs/blue-green/release-web.json"),
            "execution", Fakes.EXECUTION,
            "startedAt", "2026-12-07T01:00:00.120Z");

    StateMachineContractTest() {
        super("${BlueGreenPlanFunctionArn}", READS, SAMPLES, BlueGreenPlan.class);
    }

    /** What the function does with one payload, through its handler: the plan, and the claim it made. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Fakes fakes = new Fakes();
        JsonNode answer = invoke(new BlueGreenPlanHandler(fakes.service()), payload);
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", answer).set("claims", Json.MAPPER.valueToTree(fakes.claims.stream()
                .map(claim -> Map.of("executionArn", claim.executionArn(), "imageId", claim.imageId(), "startedAt", claim.startedAt().toString()))
                .toList()));
    }

    @Test
    void shouldPlanTheReleaseOfTheSampleRoleToItsIdleColour() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            assertThat(outcome.at("/answer/idle/group").asText()).isEqualTo("web-green");
            assertThat(outcome.at("/answer/reason").asText()).isEqualTo("release 1.4.0 by day");
            assertThat(outcome.at("/claims/0/executionArn").asText()).isEqualTo(Fakes.EXECUTION);
        });
    }
}
