package dev.kiln.rotatereport;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * rotate's last state. Its payload: {@code {"rotation", "executionArn", "input", "plan", "startedAt"}};
 * its answer: the {@link Report}.
 */
public final class RotateReportHandler implements RequestStreamHandler {

    private final RotateReportService service;

    public RotateReportHandler() {
        this(Config.fromEnv(System.getenv()));
    }

    private RotateReportHandler(Config config) {
        this(build(config, AwsClients.build(S3Client.builder()), AwsClients.build(DynamoDbClient.builder())));
    }

    RotateReportHandler(RotateReportService service) {
        this.service = service;
    }

    private static RotateReportService build(Config config, S3Client s3, DynamoDbClient dynamo) {
        return new RotateReportService(new S3PlannedGroups(s3), new DynamoOutcomes(dynamo, config.rotationsTable()),
                new S3ReportStore(s3), new DynamoAdvisoryLedger(dynamo, config.ledgerTable()), config.artifactsBucket());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(input);
        } catch (JsonProcessingException e) {
            throw new MalformedReportRequestException("the payload is not JSON: " + e.getOriginalMessage());
        }
        Report report = PowertoolsLogging.withLogging(context, () -> service.report(ReportRequest.from(payload),
                Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        Json.MAPPER.writeValue(output, report);
    }
}
