package dev.kiln.rotateplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static dev.kiln.rotateplan.Fakes.page;
import static dev.kiln.rotateplan.Fakes.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between rotate-plan and the state machines that invoke it (statemachines/*.asl.json): each Task
 * sends the fields {@link PlanRequest#from} reads, and the machine reads only fields a {@link RotatePlan} has,
 * in the items of its map too.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String BUCKET = "kiln-artifacts-000000000000";
    private static final String ROTATION = "r-2026-11-22";
    private static final String AMI = "ami-0a11d0a11d0a11d00";

    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("rotation", "input", "startedAt");
    /** The input a kiln.patch Rotation Requested event gives: the groups of role web, now. */
    private static final Map<String, Object> SAMPLES = Map.of("rotation", ROTATION,
            "input", Resources.json("/events/kiln.patch/rotation-requested.json").get("detail"),
            "startedAt", "2026-11-22T11:47:05.312Z");

    StateMachineContractTest() {
        super("${RotatePlanFunctionArn}", READS, SAMPLES, RotatePlan.class);
    }

    /** What the function does with one payload, through its handler: the plan, and the groups it wrote and read. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Fakes.StoredTagPages tagPages = new Fakes.StoredTagPages();
        tagPages.store(BUCKET, "rotations/" + ROTATION + "/tags/", page(
                row("web-1", "kiln:rotate", "nightly"), row("web-1", "kiln:role", "web"),
                row("web-2", "kiln:rotate", "nightly"), row("web-2", "kiln:role", "web"), row("web-2", "kiln:freeze", "true"),
                row("api-blue", "kiln:rotate", "nightly"), row("api-blue", "kiln:role", "api")));
        Fakes.PublishedImages images = new Fakes.PublishedImages();
        images.images.put("web", AMI);
        Fakes.RecordingPlanStore plans = new Fakes.RecordingPlanStore();
        RotatePlanHandler handler = new RotatePlanHandler(new RotatePlanService(
                () -> KilnConfigJson.read(Resources.repositoryText("examples", "kiln.json")), tagPages, images, plans, BUCKET));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .<ObjectNode>set("wrote", Json.MAPPER.valueToTree(plans.puts))
                .set("read", Json.MAPPER.valueToTree(tagPages.read));
    }

    @Test
    void shouldPlanTheGroupsOfTheRotationEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            JsonNode plan = outcome.get("answer");
            assertThat(plan.path("key").asText()).isEqualTo("rotations/" + ROTATION + "/groups.json");
            assertThat(plan.path("groups").asInt()).isEqualTo(2);
            assertThat(plan.path("toRotate").asInt()).isEqualTo(1);
            assertThat(plan.at("/settings/maxConcurrency").asInt()).isEqualTo(10);
            assertThat(outcome.at("/wrote/0/json").asText()).isEqualTo(Json.MAPPER.valueToTree(List.of(
                    new RotatePlan.Item("web-1", "web", AMI, null),
                    new RotatePlan.Item("web-2", "web", AMI, "frozen by its kiln:freeze tag"))).toString());
        });
    }
}
