package dev.kiln.distributeregion;

import static dev.kiln.common.testing.StateMachines.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachineContract;
import dev.kiln.common.testing.StateMachines.Invocation;
import dev.kiln.distributeregion.Ports.Image;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract between distribute-region and distribute's region steps (statemachines/distribute.asl.json): every
 * step sends the same fields, its action literal, and the machine reads only fields a {@link RegionAnswer} has.
 */
class StateMachineContractTest extends StateMachineContract {

    private static final String AMI = "ami-0a1b2c3d4e5f60718";
    private static final String COPY = "ami-0c0c0c0c0c0c0c0c0";
    private static final String KEY = "arn:aws:kms:ap-northeast-3:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String MEMBER_ROLE = "arn:aws:iam::222222222222:role/kiln-hub-ap-northeast-3";
    private static final Map<String, Object> MEMBER = Map.of("principal", "222222222222", "pointer", "/kiln/images/web",
            "access", Map.of("roleArn", MEMBER_ROLE, "externalId", "kiln-kiln-111111111111"));
    private static final Map<String, Object> COPY_PLAN = Map.of("region", "ap-northeast-3", "kmsKeyAlias", "alias/kiln-images",
            "sharedWith", List.of("222222222222"), "targets", List.of(MEMBER));

    StateMachineContractTest() {
        super("${DistributeRegionFunctionArn}", Set.of("action", "role", "imageId", "sourceRegion", "copy", "attempt", "copied", "target"),
                samples(Map.of("copyImageId", COPY, "kmsKeyArn", KEY)), RegionAnswer.class);
    }

    private static Map<String, ?> samples(Object copied) {
        Map<String, Object> samples = new HashMap<>(Map.of("role", "web", "imageId", AMI, "sourceRegion", "ap-northeast-1",
                "copy", COPY_PLAN, "attempt", 1, "target", MEMBER));
        samples.put("copied", copied);
        return samples;
    }

    /** The first copy is sent no earlier copy; the steps after it are sent the copy. */
    @Override
    protected List<Map<String, ?>> samples(Invocation invocation) {
        return List.of(invocation.payload().path("action").asText().equals("copy")
                ? samples(Json.MAPPER.nullNode()) : samples(Map.of("copyImageId", COPY, "kmsKeyArn", KEY)));
    }

    @Override
    protected JsonNode outcome(ObjectNode payload) {
        Fakes.Images images = new Fakes.Images()
                .image("ap-northeast-1", new Image(AMI, "kiln-web-1", "Kiln web", "available", null, Map.of("kiln:role", "web"), List.of()))
                .image("ap-northeast-3", new Image(COPY, "kiln-web-1", "copy", "available", null, Map.of(), List.of("snap-0c0c")));
        Fakes.Keys keys = new Fakes.Keys().alias("ap-northeast-3", "alias/kiln-images", KEY);
        Fakes.Pointers pointers = new Fakes.Pointers();
        DistributeRegionHandler handler = new DistributeRegionHandler(new DistributeRegionService(images, keys, pointers,
                role -> Optional.of(AMI)));
        return Json.MAPPER.createObjectNode().<ObjectNode>set("answer", invoke(handler, payload))
                .<ObjectNode>set("copies", Json.MAPPER.valueToTree(images.copies))
                .<ObjectNode>set("tags", Json.MAPPER.valueToTree(images.tags))
                .<ObjectNode>set("shared", Json.MAPPER.valueToTree(images.launchPermissions))
                .<ObjectNode>set("grants", Json.MAPPER.valueToTree(keys.grants))
                .set("pointers", Json.MAPPER.valueToTree(pointers.values));
    }

    @Test
    void shouldCopyCheckFinishAndPointTheRegionEachStepNames() {
        Map<String, Invocation> steps = new HashMap<>();
        invocations.forEach(invocation -> steps.put(invocation.payload().path("action").asText(), invocation));

        assertThat(steps).containsOnlyKeys("copy", "check", "finish", "point");
        assertThat(outcome(steps.get("copy").payloadWith(samples(steps.get("copy")).get(0))).at("/copies/0/kmsKeyArn").asText())
                .isEqualTo(KEY);
        assertThat(answer(steps.get("check")).path("state").asText()).isEqualTo("available");
        JsonNode finished = outcome(steps.get("finish").payloadWith(samples(steps.get("finish")).get(0)));
        assertThat(finished.at("/shared/ap-northeast-3~1" + COPY)).isEqualTo(Json.MAPPER.valueToTree(List.of("222222222222")));
        JsonNode pointed = outcome(steps.get("point").payloadWith(samples(steps.get("point")).get(0)));
        assertThat(pointed.path("pointers").get(MEMBER_ROLE + " ap-northeast-3/kiln/images/web").asText()).isEqualTo(COPY);
    }
}
