package dev.kiln.patchplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The contract between patch-plan and the state machines that invoke it (statemachines/*.asl.json): each Task
 * sends the fields {@link PatchPlanHandler} reads, and the machine reads only fields a {@link PatchPlan} has,
 * in the items of its maps too.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1";

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    /** base carries the advisory's package, and so do the roles built on it that have an image: web, and edge built on web. */
    private static final Map<String, String> IMAGES = Map.of(
            "base", "ami-0000000000000000b", "web", "ami-0000000000000000c", "edge", "ami-0000000000000000e");
    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("event", "executionArn");
    private static final Map<String, Object> SAMPLES = Map.of(
            "event", Resources.json("/events/kiln.advisories/security-advisory-published.json"), "executionArn", EXECUTION);

    StateMachineContractTest() {
        super("${PatchPlanFunctionArn}", READS, SAMPLES, PatchPlan.class);
    }

    /** What the function does with one payload, through its handler: the plan, and the patch it claimed. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Map<String, String> claims = new TreeMap<>();
        PatchPlanHandler handler = new PatchPlanHandler(new PatchPlanService(() -> PatchPlanServiceTest.CONFIG,
                role -> Optional.ofNullable(IMAGES.get(role)).map(image -> new Ports.Published(image, SHA, "2026-11-20T08:00:00Z")),
                imageId -> Optional.of(new Ports.Contents(Set.of("kpartx"), Set.of("device-mapper-multipath"))),
                new Ports.Claims() {
                    @Override
                    public Optional<Ports.Holder> claim(String id, String execution, Instant now) {
                        claims.put(id, execution);
                        return Optional.empty();
                    }

                    @Override
                    public boolean takeOver(String id, Ports.Holder stopped, String execution, Instant now) {
                        throw new AssertionError("nobody else holds the patch");
                    }
                },
                execution -> false));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .set("claimed", Json.MAPPER.valueToTree(claims));
    }

    @Test
    void shouldPlanThePatchOfTheAdvisoryEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode plan = outcome(invocation.payloadWith(SAMPLES)).get("answer");
            assertThat(plan.path("advisory").path("id").asText()).isEqualTo("ALAS2023-2023-126");
            assertThat(plan.path("bakes")).extracting(bake -> bake.path("role").asText()).containsExactly("base");
            assertThat(plan.path("followers")).extracting(follower -> follower.path("role").asText()).containsExactly("web", "edge");
        });
    }
}
