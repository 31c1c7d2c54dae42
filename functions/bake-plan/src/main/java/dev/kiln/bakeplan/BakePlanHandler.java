package dev.kiln.bakeplan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.bake.DynamoBakeLedger;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.release.SsmReleaseSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The first state of bake. Its payload: {@code {"input": <the execution input>, "executionArn": ...,
 * "startedAt": ...}}; its answer: the {@link Plan}.
 */
public final class BakePlanHandler implements RequestStreamHandler {

    private final BakePlanService service;

    public BakePlanHandler() {
        this(Settings.fromEnv(System.getenv()));
    }

    private BakePlanHandler(Settings settings) {
        this(new BakePlanService(
                new SsmConfigSource(AwsClients.build(SsmClient.builder()), settings.configParameter(),
                        Duration.ofMinutes(1), Clock.systemUTC()),
                new DynamoBakeLedger(AwsClients.build(DynamoDbClient.builder()), settings.bakesTable()),
                running(AwsClients.build(SfnClient.builder())),
                new SsmReleaseSource(AwsClients.build(SsmClient.builder()), settings.releasePrefix()),
                open(AwsClients.build(DynamoDbClient.builder()), settings.bakesTable()),
                settings));
    }

    BakePlanHandler(BakePlanService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = Json.MAPPER.readTree(input);
        Plan plan = PowertoolsLogging.withLogging(context, () -> service.plan(request.get("input"),
                request.path("executionArn").asText(), Instant.parse(request.path("startedAt").asText())));
        Json.MAPPER.writeValue(output, plan);
    }

    /** The role's open advisories: a string set in the bakes table, item {@code advisories#<role>} (patch adds to it). */
    private static OpenAdvisories open(DynamoDbClient dynamo, String table) {
        return role -> {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("bakeKey", AttributeValue.fromS("advisories#" + role)))).item();
            return item == null || !item.containsKey("advisories") ? Set.of() : Set.copyOf(item.get("advisories").ss());
        };
    }

    private static dev.kiln.common.bake.BakeLedger.ExecutionStatus running(SfnClient sfn) {
        return arn -> sfn.describeExecution(r -> r.executionArn(arn)).status() == ExecutionStatus.RUNNING;
    }
}
