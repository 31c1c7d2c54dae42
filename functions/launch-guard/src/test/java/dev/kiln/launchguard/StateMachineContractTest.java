package dev.kiln.launchguard;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.InMemoryFailedLaunchLedger;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between launch-guard and the state machine that invokes it (statemachines/launch.asl.json): its
 * CountFailedLaunch state sends the fields {@link LaunchFailure#from} reads, and the machine reads only fields
 * a {@link LaunchGuardService.Verdict} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-launch:l-1";

    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("event", "executionArn", "state");
    /** The execution input (a lifecycle action), and its state when installing the release failed. */
    private static final Map<String, Object> SAMPLES = Map.of(
            "event", Resources.json("/events/aws.autoscaling/launch-lifecycle-action.json"),
            "executionArn", EXECUTION,
            "state", Json.tree("""
                    {"plan": {"role": "web", "release": {"version": "2.0.0"}},
                     "error": {"Error": "Kiln.InstallFailed", "Cause": "installing the release ended Failed with exit code 1 on i-1234567890abcdef0"}}
                    """.getBytes(StandardCharsets.UTF_8), IllegalArgumentException::new));

    StateMachineContractTest() {
        super("${LaunchGuardFunctionArn}", READS, SAMPLES, LaunchGuardService.Verdict.class);
    }

    /** What the function does with one payload, through its handler: its verdict, and the run of failures it stored. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        InMemoryFailedLaunchLedger ledger = new InMemoryFailedLaunchLedger();
        LaunchGuardHandler handler = new LaunchGuardHandler(new LaunchGuardService(
                () -> KilnConfigJson.read(Resources.repositoryText("examples", "kiln.json")), ledger,
                group -> {
                    throw new AssertionError("one failure suspends no group");
                },
                (subject, message) -> {
                    throw new AssertionError("one failure tells nobody");
                }));
        JsonNode answer = invoke(handler, payload);
        // the run's times are the handler's clock: what it stored is the rest
        List<String> stored = ledger.items.values().stream().map(run -> String.join(" ", run.group(), run.role(),
                String.valueOf(run.count()), run.executions().toString(), run.release(), run.lastFailure(), run.lastExecution())).toList();
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", answer).put("stored", stored.toString());
    }

    @Test
    void shouldCountTheFailedLaunchEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            assertThat(outcome.path("answer")).isEqualTo(Json.MAPPER.valueToTree(
                    new LaunchGuardService.Verdict("counted", "my-asg", 1, 5, null, null)));
            assertThat(outcome.path("stored").asText()).isEqualTo("[my-asg web 1 [" + EXECUTION + "] 2.0.0 Kiln.InstallFailed:"
                    + " installing the release ended Failed with exit code 1 on i-1234567890abcdef0 " + EXECUTION + "]");
        });
    }
}
