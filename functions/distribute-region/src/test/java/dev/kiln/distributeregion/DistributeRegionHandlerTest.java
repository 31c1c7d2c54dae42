package dev.kiln.distributeregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Json;
import dev.kiln.common.testing.FakeContext;
import dev.kiln.distributeregion.Ports.Image;
import dev.kiln.distributeregion.errors.InvalidRegionRequestException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistributeRegionHandlerTest {

    private static final String AMI = "ami-0a1b2c3d4e5f60718";

    private final Fakes.Images images = new Fakes.Images().image("ap-northeast-1", new Image(AMI, "kiln-web-1", "Kiln web",
            "available", null, Map.of(), List.of()));
    private final DistributeRegionHandler handler = new DistributeRegionHandler(new DistributeRegionService(images,
            new Fakes.Keys(), new Fakes.Pointers(), role -> Optional.of(AMI)));

    private String handle(String payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), output,
                new FakeContext("kiln-distribute-region"));
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerACopyStepWithTheCopysId() throws Exception {
        String answer = handle("""
                {"action": "copy", "role": "web", "imageId": "%s", "sourceRegion": "ap-northeast-1",
                 "copy": {"region": "ap-northeast-3", "kmsKeyAlias": null, "sharedWith": [], "targets": []},
                 "attempt": 1, "copied": null, "target": null}""".formatted(AMI));

        assertThat(Json.MAPPER.readTree(answer).path("copyImageId").asText()).startsWith("ami-");
        assertThat(Json.MAPPER.readTree(answer).path("kmsKeyArn").isNull()).isTrue();
    }

    @Test
    void shouldRefuseAPayloadThatIsNotAStepAndDoNothing() {
        assertThatThrownBy(() -> handle("{\"action\": \"delete\"}"))
                .isInstanceOf(InvalidRegionRequestException.class).hasMessage("action: must be copy, check, finish or point, got \"delete\"");
        String copy = """
                {"action": "%s", "role": "web", "imageId": "%s", "sourceRegion": "ap-northeast-1",
                 "copy": {"region": "%s", "kmsKeyAlias": null, "sharedWith": %s, "targets": []}, "attempt": 1, "copied": %s, "target": null}""";
        assertThatThrownBy(() -> handle(copy.formatted("copy", AMI, "Osaka", "[]", "null")))
                .isInstanceOf(InvalidRegionRequestException.class).hasMessage("copy.region: must be a region name, got \"Osaka\"");
        assertThatThrownBy(() -> handle(copy.formatted("finish", AMI, "ap-northeast-3", "[\"everyone\"]", "null")))
                .isInstanceOf(InvalidRegionRequestException.class)
                .hasMessage("copy.sharedWith[0]: must be a 12-digit account or an organizational unit ARN, got \"everyone\"");
        assertThatThrownBy(() -> handle(copy.formatted("check", AMI, "ap-northeast-3", "[]", "null")))
                .isInstanceOf(InvalidRegionRequestException.class).hasMessage("copied: check needs the copy, got null");
        String copied = "{\"copyImageId\": \"" + AMI + "\", \"kmsKeyArn\": null}";
        assertThatThrownBy(() -> handle(copy.formatted("point", AMI, "ap-northeast-3", "[]", copied)))
                .isInstanceOf(InvalidRegionRequestException.class)
                .hasMessage("target: point needs one of the copy's targets {principal, pointer, access}, got null");
        String point = copy.formatted("point", AMI, "ap-northeast-3", "[]", copied).replace("\"target\": null", "\"target\": %s");
        assertThatThrownBy(() -> handle(point.formatted("""
                {"principal": "222222222222", "pointer": "/kiln/images/web", "access": {"roleArn": "kiln-hub", "externalId": "x1"}}""")))
                .isInstanceOf(InvalidRegionRequestException.class)
                .hasMessage("target.access.roleArn: must be a role ARN (arn:aws:iam::<account>:role/...), got \"kiln-hub\"");
        assertThatThrownBy(() -> handle("not json")).isInstanceOf(InvalidRegionRequestException.class);
        assertThat(images.copies).isEmpty();
    }
}
