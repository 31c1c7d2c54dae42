package dev.kiln.patchreport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.EmfRecords;
import dev.kiln.common.testing.FakeContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatchReportHandlerTest {

    private static final String PLAN = """
            {"advisory": {"id": "ALAS2023-2025-1196", "amazonLinux": "2023", "severity": "important", "packages": ["expat"],
                          "cves": ["CVE-2025-59375"], "link": "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1196.html",
                          "publishedAt": "2026-11-22T08:19:00Z", "releasever": "2023.9.20251105"}}""";

    private final PatchReportHandler handler = new PatchReportHandler(new PatchReportService());

    private JsonNode handle(String payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), output,
                new FakeContext("kiln-patch-report"));
        return Json.MAPPER.readTree(output.toByteArray());
    }

    @Test
    void shouldCountEachPatchByItsStateAsAnEmbeddedMetric() throws Exception {
        // given
        String patched = """
                {"plan": %s, "baked": [{"role": "base", "status": "SUCCEEDED", "imageId": "ami-0000000000000000b"}],
                 "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1"}""".formatted(PLAN);
        String incomplete = """
                {"plan": %s, "baked": [{"role": "base", "status": "FAILED", "error": "States.Timeout"}],
                 "executionArn": "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-2"}""".formatted(PLAN);

        // when
        List<JsonNode> answers = new ArrayList<>();
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> {
            answers.add(handle(patched));
            answers.add(handle(incomplete));
        });

        // then
        assertThat(answers).extracting(answer -> answer.get("state").asText()).containsExactly("PATCHED", "INCOMPLETE");
        assertThat(metrics).containsExactly(
                new EmfRecords.Metric("Kiln", "Patches", "Count", Map.of("State", "PATCHED"), 1),
                new EmfRecords.Metric("Kiln", "Patches", "Count", Map.of("State", "INCOMPLETE"), 1));
    }
}
