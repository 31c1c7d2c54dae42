package dev.kiln.bakecleanup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.bake.DynamoBakeLedger;
import dev.kiln.common.workflow.StateVisits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** The state every Catch of bake leads to; its payload is a {@link CleanupRequest}. */
public final class BakeCleanupHandler implements RequestStreamHandler {

    private final BakeCleanupService service;

    public BakeCleanupHandler() {
        this(new Environment(System.getenv()), AwsClients.build(SfnClient.builder()));
    }

    private BakeCleanupHandler(Environment env, SfnClient sfn) {
        this(new BakeCleanupService(
                new Ec2BuildResources(AwsClients.build(Ec2Client.builder())),
                new DynamoBakeLedger(AwsClients.build(DynamoDbClient.builder()), env.require("BAKES_TABLE")),
                executionArn -> StateVisits.of(sfn, executionArn)));
    }

    BakeCleanupHandler(BakeCleanupService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CleanupRequest request = Json.MAPPER.readValue(input, CleanupRequest.class);
        CleanupResult result = PowertoolsLogging.withLogging(context, () -> service.clean(request, Instant.now()));
        Json.MAPPER.writeValue(output, result);
    }
}
