package dev.kiln.bakeplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachineContract;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between bake-plan and the state machines that invoke it (statemachines/*.asl.json): each Task
 * sends the fields {@link BakePlanHandler} reads, and the machine reads only fields a {@link Plan} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e";
    private static final Config CONFIG = new Config("/kiln/config", "kiln-bakes", "kiln-artifacts",
            "sg-0123456789abcdef0", "arn:aws:iam::000000000000:instance-profile/kiln-builder", "/kiln/images/", "/kiln/releases/", "kiln");
    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("input", "executionArn", "startedAt");
    private static final Map<String, Object> SAMPLES = Map.of(
            "input", Samples.input("push.json"), "executionArn", EXECUTION, "startedAt", "2026-11-22T03:00:05Z");

    StateMachineContractTest() {
        super("${BakePlanFunctionArn}", READS, SAMPLES, Plan.class);
    }

    /** What the function does with one payload, through its handler: the plan, and the bake it claimed. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        BakePlanServiceTest.FakeLedger ledger = new BakePlanServiceTest.FakeLedger();
        BakePlanHandler handler = new BakePlanHandler(new BakePlanService(Samples::exampleConfig, ledger, arn -> true,
                role -> Optional.empty(), role -> Set.of(), CONFIG));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .put("claimed", ledger.claims.toString());
    }

    @Test
    void shouldPlanABakeForThePayloadEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode plan = outcome(invocation.payloadWith(SAMPLES)).get("answer");
            assertThat(plan.path("duplicate").asBoolean()).isFalse();
            assertThat(plan.path("bakeKey").asText()).isEqualTo("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain");
        });
    }

    @Test
    void shouldRefuseAnEmptyPayloadNamingWhatItLacks() {
        assertThatThrownBy(() -> outcome(Json.MAPPER.createObjectNode()))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessage("bake-plan's payload has no input, no executionArn, no startedAt");
    }
}
