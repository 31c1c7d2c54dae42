package dev.kiln.patchreport;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * patch's last state. Its payload: {@code {"plan": ..., "baked": [...], "followed": [...], "executionArn": ...}};
 * its answer: the {@link PatchReportService.Report}.
 */
public final class PatchReportHandler implements RequestStreamHandler {

    private final PatchReportService service = new PatchReportService();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var request = Json.MAPPER.readTree(input);
        var report = PowertoolsLogging.withLogging(context, () -> service.report(request, Instant.now()));
        Json.MAPPER.writeValue(output, report);
    }
}
