package dev.kiln.bakerecord;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.workflow.StateVisits;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The bake state after the image is available; its payload is a {@link RecordRequest}. */
public final class BakeRecordHandler extends JsonHandler<RecordRequest, RecordResult> {

    public BakeRecordHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BakeRecordHandler(BakeRecordService service) {
        super(payload -> Json.read(payload, RecordRequest.class, MalformedPayloadException::new),
                request -> service.record(request, Instant.now()));
    }

    private static BakeRecordService build(Config config) {
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        DynamoPublishGuard guard = new DynamoPublishGuard(new CurrentImages(dynamo, config.bakesTable()));
        return new BakeRecordService(
                new S3Artifacts(AwsClients.build(S3Client.builder())),
                new DynamoImageStore(dynamo, config.imagesTable()),
                guard, guard,
                executionArn -> StateVisits.of(sfn, executionArn));
    }
}
