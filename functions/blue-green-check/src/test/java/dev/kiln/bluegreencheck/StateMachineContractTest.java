package dev.kiln.bluegreencheck;

import static dev.kiln.bluegreencheck.IdleColourCheckTest.instance;
import static dev.kiln.bluegreencheck.IdleColourCheckTest.payload;
import static dev.kiln.bluegreencheck.IdleColourCheckTest.target;
import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachineContract;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between blue-green-check and the blue-green state machine: ReadyCheck sends the group, the target
 * health and the count wanted, and reads only fields of {@link IdleColourCheck.Answer}.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final Set<String> READS = Set.of("group", "targets", "desired");
    private static final Map<String, Object> SAMPLES = samples();

    StateMachineContractTest() {
        super("${BlueGreenCheckFunctionArn}", READS, SAMPLES, IdleColourCheck.Answer.class);
    }

    private static Map<String, Object> samples() {
        try {
            JsonNode sample = Json.MAPPER.readTree(payload(instance("i-0a", "InService") + "," + instance("i-0b", "InService"),
                    target("i-0a", "healthy", null) + "," + target("i-0b", "healthy", null), 2, ""));
            return Map.of("group", sample.get("group"), "targets", sample.get("targets"), "desired", 2);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected JsonNode outcome(ObjectNode payload) {
        return Json.MAPPER.createObjectNode().set("answer", invoke(new BlueGreenCheckHandler(), payload));
    }

    @Test
    void shouldFindTheSampleColourReady() {
        assertThat(invocations).allSatisfy(invocation ->
                assertThat(answer(invocation).get("ready").asBoolean()).isTrue());
    }
}
