package dev.kiln.bakerecord;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.workflow.StateVisits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** The bake state after the image is available; its payload is a {@link RecordRequest}. */
public final class BakeRecordHandler implements RequestStreamHandler {

    private final BakeRecordService service;

    public BakeRecordHandler() {
        this(new Environment(System.getenv()));
    }

    private BakeRecordHandler(Environment env) {
        this(build(env, AwsClients.build(DynamoDbClient.builder()), AwsClients.build(SfnClient.builder())));
    }

    BakeRecordHandler(BakeRecordService service) {
        this.service = service;
    }

    private static BakeRecordService build(Environment env, DynamoDbClient dynamo, SfnClient sfn) {
        DynamoPublishGuard guard = new DynamoPublishGuard(dynamo, env.require("BAKES_TABLE"));
        return new BakeRecordService(
                new S3Artifacts(AwsClients.build(S3Client.builder())),
                new DynamoImageStore(dynamo, env.require("IMAGES_TABLE")),
                guard, guard,
                executionArn -> StateVisits.of(sfn, executionArn));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        RecordRequest request = Json.MAPPER.readValue(input, RecordRequest.class);
        RecordResult result = PowertoolsLogging.withLogging(context, () -> service.record(request, Instant.now()));
        Json.MAPPER.writeValue(output, result);
    }
}
