package dev.kiln.bakerecord;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.workflow.StateVisits.Visit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The contract between bake-record and the state machine that invokes it (statemachines/bake.asl.json): its
 * RecordImage state sends the fields a {@link RecordRequest} has, and the machine reads only fields a
 * {@link RecordResult} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-1";
    private static final String BUILD = "web-0d1a26e-20261122t030005-94f61a06";
    /** The record command's full output, in the artifact bucket; GetCommandInvocation gave only its start. */
    private static final String INVENTORY = """
            bash\t0:5.2.15-1.amzn2023.0.2\taarch64\tbash-5.2.15-1.amzn2023.0.2.src.rpm
            expat\t0:2.5.0-1.amzn2023.0.3\taarch64\texpat-2.5.0-1.amzn2023.0.3.src.rpm
            kpartx\t0:0.8.7-16.amzn2023.0.1\taarch64\tdevice-mapper-multipath-0.8.7-16.amzn2023.0.1.src.rpm
            """;

    private static final List<Visit> VISITS = List.of(visit("Plan", 0, 2), visit("LaunchBuilderSpot", 3, 5),
            visit("SsmCheck", 5, 36), visit("ProvisionSend", 37, 38), visit("ProvisionWait", 38, 338),
            visit("ImageCreate", 400, 402), visit("ImageWait", 402, 1202));
    /** What the handler reads of its payload. */
    private static final Set<String> READS = Set.of("plan", "parent", "builder", "image", "imageState", "record", "executionArn");
    private static final Map<String, Object> SAMPLES = Map.of(
            "plan", new RecordRequest.Plan("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain", BUILD, "web",
                    "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "refs/heads/main", "push", "2026-11-22T03:00:00Z", List.of(),
                    new RecordRequest.Parent("base"), new RecordRequest.Commands(new RecordRequest.Command("logs/web/" + BUILD + "/record")),
                    new RecordRequest.Logs("kiln-artifacts", "s3://kiln-artifacts/logs/web/" + BUILD + "/"), "/kiln/images/web"),
            "parent", new RecordRequest.ImageRef("ami-0aaaaaaaaaaaaaaa1"),
            "builder", new RecordRequest.Builder("i-0123456789abcdef0", "spot"),
            "image", new RecordRequest.ImageRef("ami-0bbbbbbbbbbbbbbb2"),
            "imageState", new RecordRequest.ImageState("available", List.of(
                    new RecordRequest.Mapping("/dev/xvda", new RecordRequest.Ebs("snap-0123456789abcdef0")))),
            "record", new RecordRequest.CommandRef("cmd-1", "bash\t0:5.2.15-1.amzn2023.0.2\taarch64\n"),
            "executionArn", EXECUTION);

    StateMachineContractTest() {
        super("${BakeRecordFunctionArn}", READS, SAMPLES, RecordResult.class);
    }

    /** What the function does with one payload, through its handler: its answer, the manifest, the image record, the publish guard. */
    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Map<String, String> manifests = new TreeMap<>();
        List<String> saved = new ArrayList<>();
        List<String> admitted = new ArrayList<>();
        BakeRecordHandler handler = new BakeRecordHandler(new BakeRecordService(new Ports.Artifacts() {
            @Override
            public Optional<String> commandStdout(String bucket, String prefix, String commandId, String instanceId) {
                return Optional.of(bucket + "/" + prefix + "/" + commandId + "/" + instanceId)
                        .filter(("kiln-artifacts/logs/web/" + BUILD + "/record/cmd-1/i-0123456789abcdef0")::equals).map(key -> INVENTORY);
            }

            @Override
            public String putManifest(String bucket, String role, String imageId, String json) {
                manifests.put(imageId, json.replaceAll("\"recordedAt\" : \"[^\"]*\"", "\"recordedAt\" : \"now\""));
                return "s3://" + bucket + "/manifests/" + role + "/" + imageId + ".json";
            }
        }, record -> saved.add(record.imageId() + " " + record.role() + " " + record.sha() + " " + record.buildId() + " "
                + record.parentImageId() + " " + record.reason() + " " + record.sources()),
                (role, candidate) -> {
                    admitted.add(role + " " + candidate);
                    return Optional.empty();
                },
                role -> Optional.of("ami-0aaaaaaaaaaaaaaa1"),
                executionArn -> EXECUTION.equals(executionArn) ? VISITS : List.of()));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .put("manifests", manifests.toString()).put("saved", saved.toString()).put("admitted", admitted.toString());
    }

    @Test
    void shouldRecordTheImageEveryStateSends() {
        assertThat(invocations).allSatisfy(invocation -> {
            JsonNode outcome = outcome(invocation.payloadWith(SAMPLES));
            assertThat(outcome.at("/answer/publish").asBoolean()).isTrue();
            assertThat(outcome.at("/answer/packages").asInt()).isEqualTo(3);
            assertThat(outcome.at("/answer/manifest").asText()).isEqualTo("s3://kiln-artifacts/manifests/web/ami-0bbbbbbbbbbbbbbb2.json");
            assertThat(outcome.at("/answer/tagResources")).extracting(JsonNode::asText)
                    .containsExactly("ami-0bbbbbbbbbbbbbbb2", "snap-0123456789abcdef0");
            assertThat(outcome.at("/answer/durations/provision").asLong()).isEqualTo(301);
            assertThat(outcome.path("saved").asText()).isEqualTo("[ami-0bbbbbbbbbbbbbbb2 web 0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c "
                    + BUILD + " ami-0aaaaaaaaaaaaaaa1 push [bash, device-mapper-multipath, expat]]");
        });
    }

    private static Visit visit(String state, long from, long to) {
        Instant start = Instant.parse("2026-11-22T03:00:05Z");
        return new Visit(state, start.plusSeconds(from), Optional.of(start.plusSeconds(to)));
    }

    @Test
    void shouldRefuseAnEmptyPayloadNamingWhatItLacks() {
        assertThatThrownBy(() -> outcome(Json.MAPPER.createObjectNode()))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("bake-record's payload has no plan, no parent, no builder, no image, no record, no executionArn");
    }
}
