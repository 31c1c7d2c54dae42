package dev.kiln.patchreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.MalformedPayloadException;
import java.time.Instant;

/**
 * patch's last state. Its payload: {@code {"plan": ..., "baked": [...], "followed": [...], "executionArn": ...}};
 * its answer: the {@link PatchReportService.Report}.
 */
public final class PatchReportHandler extends JsonHandler<JsonNode, PatchReportService.Report> {

    private final PatchReportService service = new PatchReportService();

    @Override
    protected JsonNode request(byte[] payload) {
        return tree(payload, MalformedPayloadException::new);
    }

    @Override
    protected PatchReportService.Report answer(JsonNode request) {
        return service.report(request, Instant.now());
    }
}
