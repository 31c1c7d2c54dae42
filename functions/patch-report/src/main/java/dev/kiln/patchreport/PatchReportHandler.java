package dev.kiln.patchreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.KilnMetrics;
import dev.kiln.common.MalformedPayloadException;
import java.time.Instant;
import java.util.Map;

/**
 * patch's last state. Its payload: {@code {"plan": ..., "baked": [...], "followed": [...], "executionArn": ...}};
 * its answer: the {@link PatchReportService.Report}.
 */
public final class PatchReportHandler extends JsonHandler<JsonNode, PatchReportService.Report> {

    public PatchReportHandler() {
        this(new PatchReportService());
    }

    PatchReportHandler(PatchReportService service) {
        super(PatchReportHandler::request, request -> counted(service.report(request, Instant.now())));
    }

    /** Each advisory's patch is counted: metric {@code Kiln Patches}, dimension {@code State} (PATCHED or INCOMPLETE). */
    private static PatchReportService.Report counted(PatchReportService.Report report) {
        KilnMetrics.count("Patches", Map.of("State", report.state()), 1);
        return report;
    }

    /** The payload: patch's plan (its advisory's id and publication), what it baked and followed, the execution. */
    private static JsonNode request(byte[] payload) {
        JsonNode request = Json.tree(payload, MalformedPayloadException::new);
        JsonNode advisory = request.path("plan").path("advisory");
        Json.require(MalformedPayloadException::new, "patch-report's payload", "plan.advisory.id", advisory.path("id"),
                "plan.advisory.publishedAt", advisory.path("publishedAt"), "executionArn", request.path("executionArn"));
        Json.instant(advisory.path("publishedAt"), "plan.advisory.publishedAt", MalformedPayloadException::new);
        return request;
    }
}
