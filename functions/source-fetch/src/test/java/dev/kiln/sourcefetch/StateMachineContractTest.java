package dev.kiln.sourcefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.Resources;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.sourcefetch.errors.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between source-fetch and the state machines that invoke it (statemachines/*.asl.json): each
 * Task sends the fields {@link FetchRequest#parse} reads, and reads back only fields {@link FetchResult} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    /** What the parser reads; each one it needs (the test below refuses a payload without it). */
    private static final Set<String> READS = Set.of("sha", "bucket", "key");
    private static final Map<String, Object> SAMPLES = Map.of(
            "sha", SHA, "bucket", "kiln-artifacts", "key", "bundles/" + SHA + ".tar.gz");

    /** The bundle is in the bucket already: the function answers without downloading. */
    private final SourceFetchService service = new SourceFetchService(
            () -> KilnConfigJson.read(Resources.repositoryText("examples", "kiln.json")),
            new Ports.Bundles() {
                @Override
                public OptionalLong size(String bucket, String key) {
                    return OptionalLong.of(48_213);
                }

                @Override
                public boolean put(String bucket, String key, Path file) {
                    throw new AssertionError("the bundle is there already");
                }
            },
            (repository, sha, target) -> {
                throw new AssertionError("the bundle is there already");
            });

    StateMachineContractTest() {
        super("${SourceFetchFunctionArn}", READS, SAMPLES, FetchResult.class);
    }

    /** What the function answers to one payload, through the code its handler runs. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        return Json.MAPPER.createObjectNode().set("answer",
                Json.MAPPER.valueToTree(service.fetch(FetchRequest.parse(payload.toString().getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void shouldFetchForThePayloadEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation ->
                assertThat(outcome(invocation.payloadWith(SAMPLES)).get("answer")).isEqualTo(Json.MAPPER.valueToTree(
                        new FetchResult("kiln-artifacts", "bundles/" + SHA + ".tar.gz", 48_213, false))));
    }

    @Test
    void shouldRefuseAPayloadWithoutAnyOfTheFieldsItReads() {
        assertThat(invocations).allSatisfy(invocation -> {
            for (String field : READS) {
                ObjectNode payload = invocation.payloadWith(SAMPLES);
                payload.remove(field);
                assertThatThrownBy(() -> outcome(payload)).as("without %s", field).isInstanceOf(MalformedRequestException.class);
            }
        });
    }
}
