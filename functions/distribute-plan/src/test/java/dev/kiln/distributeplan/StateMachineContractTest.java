package dev.kiln.distributeplan;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.common.testing.StateMachineContract;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between distribute-plan and distribute's first state (statemachines/distribute.asl.json): it is sent
 * the execution's input and id, and the machine reads only fields a {@link DistributionOrder} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String AMI = "ami-0a1b2c3d4e5f60718";

    StateMachineContractTest() {
        super("${DistributePlanFunctionArn}", Set.of("input", "executionArn"), Map.of(
                "input", Map.of("role", "web", "imageId", AMI, "published", true),
                "executionArn", "arn:aws:states:ap-northeast-1:111111111111:execution:kiln-distribute:d1"), DistributionOrder.class);
    }

    @Override
    protected JsonNode outcome(ObjectNode payload) {
        DistributePlanHandler handler = new DistributePlanHandler(new DistributePlanService(() -> KilnConfigJson.read(KilnConfigs.document("""
                "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                           "tests": "t.sh", "watch": ["web/**"]}],
                "distribution": {"targets": [{"regions": ["ap-northeast-3"]}]}""")), role -> Optional.of(AMI), "kiln"));
        return Json.MAPPER.createObjectNode().set("answer", invoke(handler, payload));
    }

    @Test
    void shouldPlanTheCopiesOfTheImageTheExecutionNames() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode answer = answer(invocation);
            assertThat(answer.path("sourceRegion").asText()).isEqualTo("ap-northeast-1");
            assertThat(answer.at("/copies/0/region").asText()).isEqualTo("ap-northeast-3");
            assertThat(answer.at("/copies/0/targets/0/pointer").asText()).isEqualTo("/kiln/images/web");
        });
    }
}
