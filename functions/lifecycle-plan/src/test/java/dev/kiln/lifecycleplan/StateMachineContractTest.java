package dev.kiln.lifecycleplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.release.Release;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.testing.StateMachines.Invocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The contract between lifecycle-plan and the state machines that invoke it (statemachines/*.asl.json): each
 * Task sends the fields {@link LifecyclePlanHandler} reads, and the machine reads only fields a
 * {@link LifecyclePlan} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-launch:e1";

    private static final Config CONFIG = new Config("/kiln/config", "kiln-actions", "kiln-artifacts",
            "/kiln/releases/", "kiln/env/", "/kiln/env/", "kiln-releases");
    private static final Release RELEASE = new Release("web", "1.4.2",
            "s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz", "a".repeat(64), null);
    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("event", "workflow", "executionArn", "executionName");

    StateMachineContractTest() {
        super("${LifecyclePlanFunctionArn}", READS, Map.of(), LifecyclePlan.class);
    }

    /** The payload's samples: the lifecycle action the workflow (a literal of the payload) answers. */
    private static Map<String, Object> sample(Invocation invocation) {
        String event = invocation.payload().path("workflow").asText().equals("drain")
                ? "terminate-lifecycle-action.json" : "launch-lifecycle-action.json";
        return Map.of("event", LifecyclePlanServiceTest.sample(event), "executionArn", EXECUTION, "executionName", "e1");
    }

    @Override
    protected List<Map<String, ?>> samples(Invocation invocation) {
        return List.of(sample(invocation));
    }

    /** What the function does with one payload, through its handler: the plan, and the action it claimed. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Map<String, String> claims = new TreeMap<>();
        LifecyclePlanHandler handler = new LifecyclePlanHandler(new LifecyclePlanService(
                StateMachineContractTest::config, role -> Optional.of(RELEASE), (role, colour) -> Optional.empty(), instanceId -> Optional.of(Map.of("kiln:role", "web")),
                (token, instanceId, executionArn, now) -> Optional.ofNullable(claims.put(token, instanceId + " " + executionArn)),
                CONFIG));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .set("claimed", Json.MAPPER.valueToTree(claims));
    }

    private static KilnConfig config() {
        return KilnConfigJson.read(Resources.repositoryText("examples", "kiln.json"));
    }

    @Test
    void shouldPlanTheWorkflowThatSendsThePayload() {
        assertThat(invocations).hasSize(2).allSatisfy(invocation -> {
            JsonNode plan = outcome(invocation.payloadWith(sample(invocation))).get("answer");
            assertThat(plan.path("duplicate").asBoolean()).isFalse();
            assertThat(plan.path("workflow").asText()).isEqualTo(invocation.payload().path("workflow").asText());
            assertThat(plan.path("role").asText()).isEqualTo("web");
        });
    }
}
