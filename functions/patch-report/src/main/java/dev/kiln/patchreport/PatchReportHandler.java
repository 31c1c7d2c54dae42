package dev.kiln.patchreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.MalformedPayloadException;
import java.time.Instant;

/**
 * patch's last state. Its payload: {@code {"plan": ..., "baked": [...], "followed": [...], "executionArn": ...}};
 * its answer: the {@link PatchReportService.Report}.
 */
public final class PatchReportHandler extends JsonHandler<JsonNode, PatchReportService.Report> {

    public PatchReportHandler() {
        this(new PatchReportService());
    }

    PatchReportHandler(PatchReportService service) {
        super(payload -> Json.tree(payload, MalformedPayloadException::new), request -> service.report(request, Instant.now()));
    }
}
