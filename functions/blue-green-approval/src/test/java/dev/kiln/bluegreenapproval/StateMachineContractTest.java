package dev.kiln.bluegreenapproval;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.testing.StateMachines.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between blue-green-approval and the blue-green state machine: AskApproval and RollbackWindow send
 * the fields {@link WaitRequest#from} reads, and wait for the decision (they read nothing of the answer).
 */
class StateMachineContractTest extends StateMachineContract {

    private static final Set<String> READS = Set.of("token", "kind", "execution", "plan", "timeoutSeconds");
    private static final JsonNode SAMPLE = sample();
    private static final Map<String, Object> SAMPLES = Map.of("token", SAMPLE.get("token"), "execution", SAMPLE.get("execution"),
            "plan", SAMPLE.get("plan"), "timeoutSeconds", SAMPLE.get("timeoutSeconds"));

    StateMachineContractTest() {
        super("${BlueGreenApprovalFunctionArn}", READS, SAMPLES, BlueGreenApprovalService.Opened.class);
    }

    private static JsonNode sample() {
        try {
            return Json.MAPPER.readTree(BlueGreenApprovalServiceTest.payload("approval", null));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What the function does: the wait it kept and the mail it sent (the answer's expiry depends on the clock). */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        List<Approval> kept = new ArrayList<>();
        List<String> mails = new ArrayList<>();
        BlueGreenApprovalService service = new BlueGreenApprovalService(kept::add, (topic, subject, message) -> mails.add(subject),
                () -> BlueGreenApprovalServiceTest.LINKS, new Config("kiln-releases", "arn:aws:sns:us-west-2:123456789012:kiln",
                "kiln/blue-green-link-key", "https://abc.lambda-url.us-west-2.on.aws/", "kiln-blue-green-decide"));
        invoke(new BlueGreenApprovalHandler(service), payload);
        return Json.MAPPER.createObjectNode().<ObjectNode>set("kept", Json.MAPPER.valueToTree(kept.stream()
                        .map(a -> List.of(a.kind().name(), a.role(), a.token(), a.previewAddress())).toList()))
                .set("mails", Json.MAPPER.valueToTree(mails));
    }

    @Test
    void shouldKeepTheTokenOfEveryWaitAndAskOnlyForTheApproval() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            assertThat(outcome.at("/kept/0/2").asText()).isEqualTo(SAMPLE.get("token").asText());
            assertThat(outcome.get("mails").size()).isEqualTo(invocation.state().endsWith("AskApproval") ? 1 : 0);
        });
        assertThat(invocations).extracting(Invocation::state)
                .containsExactlyInAnyOrder("blue-green.asl.json AskApproval", "blue-green.asl.json RollbackWindow");
    }
}
