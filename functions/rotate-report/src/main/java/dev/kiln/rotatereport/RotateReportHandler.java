package dev.kiln.rotatereport;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.KilnMetrics;
import dev.kiln.rotatereport.errors.MalformedReportRequestException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * rotate's last state. Its payload: {@code {"rotation", "executionArn", "input", "plan", "startedAt"}};
 * its answer: the {@link Report}. Each rotation's outcome is counted: metric {@code Kiln Rotations}, dimension
 * {@code Status} (SUCCEEDED, PARTIAL or FAILED), for the stack's dashboard.
 */
public final class RotateReportHandler extends JsonHandler<ReportRequest, Report> {

    public RotateReportHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    RotateReportHandler(RotateReportService service) {
        super(payload -> ReportRequest.from(Json.tree(payload, MalformedReportRequestException::new)),
                request -> counted(service.report(request, Instant.now().truncatedTo(ChronoUnit.MILLIS))));
    }

    private static Report counted(Report report) {
        KilnMetrics.count("Rotations", Map.of("Status", report.status()), 1);
        return report;
    }

    private static RotateReportService build(Config config) {
        S3Client s3 = AwsClients.build(S3Client.builder());
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        return new RotateReportService(new S3PlannedGroups(s3), new DynamoOutcomes(dynamo, config.rotationsTable()),
                new S3ReportStore(s3), ledger(config, dynamo), config.artifactsBucket());
    }

    /** A member stack keeps no advisories ledger: no advisory's patch record is there to add a rotation to. */
    private static Ports.AdvisoryLedger ledger(Config config, DynamoDbClient dynamo) {
        return config.ledgerTable() == null ? (advisory, rotated) -> false : new DynamoAdvisoryLedger(dynamo, config.ledgerTable());
    }
}
