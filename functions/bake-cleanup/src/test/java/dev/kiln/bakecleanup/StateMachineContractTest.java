package dev.kiln.bakecleanup;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.bake.BakeLedger;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.testing.StateMachines.Invocation;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between bake-cleanup and the state machine that invokes it (statemachines/bake.asl.json): its
 * Cleanup state sends the fields a {@link CleanupRequest} has, whatever step failed, and the machine reads
 * only fields a {@link CleanupResult} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String PROVISIONING = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-1";
    private static final String PLANNING = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:db-1";
    private static final String BUILD = "web-0d1a26e-20261122t030005-94f61a06";

    private static final String LOGS = "s3://kiln-artifacts/logs/web/" + BUILD + "/";
    private static final Map<String, List<Visit>> HISTORY = Map.of(
            PROVISIONING, visits("Plan", "SourceFetch", "ParentImage", "LaunchBuilderSpot", "SsmCheck", "ProvisionSend",
                    "ProvisionCheck", "ProvisionFailed", "Cleanup"),
            PLANNING, visits("Plan", "PlanFailed", "Cleanup"));
    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("state", "executionArn", "input");
    /** Provisioning failed: the state has the plan, the builder, and the error ProvisionFailed put there. */
    private static final Map<String, Object> PROVISIONING_FAILED = Map.of("state", json("""
            {"plan": {"bakeKey": "web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain", "buildId": "%s", "role": "web",
                      "sha": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "keepOnFailure": false, "keepOnFailureHours": 4,
                      "logs": {"uri": "%s"}},
             "builder": {"instanceId": "i-0123456789abcdef0", "market": "spot"},
             "error": {"Error": "Kiln.ProvisioningFailed",
                       "Cause": "provisioning (playbook and advisories) ended Failed with exit code 2 (full output: %s): exit status 2"}}
            """.formatted(BUILD, LOGS, LOGS)), "executionArn", PROVISIONING, "input", Resources.json("/events/inputs/bake/push.json"));
    /** Planning failed: PlanFailed left the error alone in the state; the input is all there is of the bake. */
    private static final Map<String, Object> PLANNING_FAILED = Map.of("state", json("""
            {"error": {"Error": "dev.kiln.bakeplan.errors.UnknownRoleException",
                       "Cause": "{\\"errorMessage\\":\\"there is no role 'db' in the Kiln configuration\\",\\"errorType\\":\\"dev.kiln.bakeplan.errors.UnknownRoleException\\",\\"stackTrace\\":[]}"}}
            """), "executionArn", PLANNING, "input", ((ObjectNode) Resources.json("/events/inputs/bake/push.json")).put("role", "db"));

    StateMachineContractTest() {
        super("${BakeCleanupFunctionArn}", READS, Map.of(), CleanupResult.class);
    }

    /** What the function does with one payload, through its handler: its answer, what it did to EC2, and the ledger. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        BakeCleanupServiceTest.FakeResources resources = new BakeCleanupServiceTest.FakeResources();
        resources.builders.put(BUILD + " " + PROVISIONING, List.of("i-0123456789abcdef0"));
        List<String> finished = new ArrayList<>();
        BakeCleanupHandler handler = new BakeCleanupHandler(new BakeCleanupService(resources, new BakeLedger() {
            @Override
            public Optional<Entry> claim(Entry entry, ExecutionStatus executions) {
                throw new AssertionError("cleanup never claims");
            }

            @Override
            public void finish(String bakeKey, String executionArn, Status status, Optional<String> imageId, Instant at) {
                finished.add(bakeKey + " " + executionArn + " " + status);
            }

            @Override
            public Optional<String> currentImage(String role) {
                return Optional.of("ami-0aaaaaaaaaaaaaaa1");
            }
        }, executionArn -> executionArn == null ? List.of() : HISTORY.getOrDefault(executionArn, List.of())));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .put("did", resources.actions.toString()).put("finished", finished.toString());
    }

    /** Planning's failure and provisioning's: what the function reads differs between the two. */
    @Override
    protected List<Map<String, ?>> samples(Invocation invocation) {
        return List.of(PLANNING_FAILED, PROVISIONING_FAILED);
    }

    @Test
    void shouldCleanUpAfterTheFailureEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode provisioning = outcome(invocation.payloadWith(PROVISIONING_FAILED));
            assertThat(provisioning.at("/answer/failedStep").asText()).isEqualTo("ProvisionFailed");
            assertThat(provisioning.at("/answer/builderAction").asText()).isEqualTo("terminated");
            assertThat(provisioning.at("/answer/logs").asText()).isEqualTo(LOGS);
            assertThat(provisioning.path("did").asText()).isEqualTo("[terminate [i-0123456789abcdef0]]");
            assertThat(provisioning.path("finished").asText()).isEqualTo("[web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain "
                    + PROVISIONING + " FAILED]");
            JsonNode planning = outcome(invocation.payloadWith(PLANNING_FAILED));
            assertThat(planning.at("/answer/failedStep").asText()).isEqualTo("Plan");
            assertThat(planning.at("/answer/role").asText()).isEqualTo("db");
            assertThat(planning.at("/answer/cause").asText()).isEqualTo("there is no role 'db' in the Kiln configuration");
        });
    }

    private static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8), IllegalArgumentException::new);
    }

    private static List<Visit> visits(String... states) {
        Instant at = Instant.parse("2026-11-22T03:00:05Z");
        return List.of(states).stream().map(state -> new Visit(state, at, Optional.of(at))).toList();
    }

    @Test
    void shouldRefuseAnEmptyPayloadNamingWhatItLacks() {
        assertThatThrownBy(() -> outcome(Json.MAPPER.createObjectNode()))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("bake-cleanup's payload has no state, no executionArn");
    }
}
