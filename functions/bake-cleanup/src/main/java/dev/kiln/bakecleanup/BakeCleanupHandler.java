package dev.kiln.bakecleanup;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.bake.DynamoBakeLedger;
import dev.kiln.common.workflow.StateVisits;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The state every Catch of bake leads to; its payload is a {@link CleanupRequest}. */
public final class BakeCleanupHandler extends JsonHandler<CleanupRequest, CleanupResult> {

    public BakeCleanupHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BakeCleanupHandler(BakeCleanupService service) {
        super(payload -> Json.read(payload, CleanupRequest.class, MalformedPayloadException::new),
                request -> service.clean(request, Instant.now()));
    }

    private static BakeCleanupService build(Config config) {
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        return new BakeCleanupService(
                new Ec2BuildResources(AwsClients.build(Ec2Client.builder())),
                new DynamoBakeLedger(AwsClients.build(DynamoDbClient.builder()), config.bakesTable()),
                executionArn -> StateVisits.of(sfn, executionArn));
    }
}
