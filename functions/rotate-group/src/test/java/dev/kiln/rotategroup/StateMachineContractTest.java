package dev.kiln.rotategroup;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.testing.StateMachines.Invocation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between rotate-group and the state machines that invoke it (statemachines/*.asl.json): each
 * Task sends the fields {@link GroupRequest#parse} reads, and the machine reads only fields a
 * {@link GroupDecision} has, in the StartInstanceRefresh request it answers too.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String LT = "lt-0a1b2c3d4e5f60718";
    private static final String AMI = "ami-0c1d2e3f4a5b6c7d8";
    private static final String OLD_AMI = "ami-0a0a0a0a0a0a0a0a0";

    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("item", "groups", "refreshes");

    StateMachineContractTest() {
        // a refresh still in progress: only then do the refreshes sent change what the function decides
        super("${RotateGroupFunctionArn}", READS, samples("InProgress"), GroupDecision.class);
    }

    @Override
    protected JsonNode answer(Invocation invocation) {
        return outcome(invocation.payloadWith(samples("Successful"))).get("answer");
    }

    /**
     * The payload's samples: rotate-plan's item for web-blue, and web-blue as Auto Scaling describes it
     * (launching version 5 of its template), its newest instance refresh in {@code status}.
     */
    private static Map<String, Object> samples(String status) {
        JsonNode described = Resources.json("/payloads/launch-template-group.json");
        JsonNode refreshes = described.get("refreshes").deepCopy();
        ((ObjectNode) refreshes.get(0)).put("Status", status);
        return Map.of("item", Json.MAPPER.createObjectNode().put("asg", "web-blue").put("role", "web").put("imageId", AMI)
                .putNull("skip"), "groups", described.get("groups"), "refreshes", refreshes);
    }

    /** What the function does with one payload, through its handler: the decision, and what it looked up and created. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Fakes.Template template = new Fakes.Template(LT, "web-template").version(5, OLD_AMI).version(6, OLD_AMI);
        Fakes.Instances instances = new Fakes.Instances();
        instances.byGroup.put("web-blue", List.of(
                new Ports.RunningInstance("i-0123456789abcdef0", OLD_AMI, Instant.parse("2026-11-22T03:10:00Z")),
                new Ports.RunningInstance("i-0123456789abcdef1", OLD_AMI, Instant.parse("2026-11-22T03:14:00Z"))));
        RotateGroupHandler handler = new RotateGroupHandler(new RotateGroupService(
                () -> KilnConfigJson.read(Resources.repositoryText("examples", "kiln.json")), template, instances,
                Clock.fixed(Instant.parse("2026-11-23T03:00:00Z"), ZoneOffset.UTC)));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .<ObjectNode>set("described", Json.MAPPER.valueToTree(template.described))
                .<ObjectNode>set("created", Json.MAPPER.valueToTree(template.created))
                .set("asked", Json.MAPPER.valueToTree(instances.asked));
    }

    @Test
    void shouldPrepareTheRefreshOfTheGroupEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(samples("Successful")));
            assertThat(outcome.at("/answer/action").asText()).isEqualTo("refresh");
            assertThat(outcome.at("/answer/version").asText()).isEqualTo("7");
            assertThat(outcome.at("/answer/request/DesiredConfiguration/LaunchTemplate"))
                    .isEqualTo(Json.MAPPER.createObjectNode().put("LaunchTemplateId", LT).put("Version", "7"));
            assertThat(outcome.get("created")).isEqualTo(Json.MAPPER.valueToTree(
                    List.of(new Ports.NewVersion(LT, "5", "Kiln rotate: web on " + AMI, AMI))));
        });
    }

    /** While the group's newest refresh still runs, what it does hangs on every field: without refreshes it would start another. */

}
