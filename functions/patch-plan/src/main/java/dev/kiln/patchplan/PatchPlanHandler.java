package dev.kiln.patchplan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * patch's first state. Its payload: {@code {"event": <the execution input>, "executionArn": ...}};
 * its answer: the {@link PatchPlan}.
 */
public final class PatchPlanHandler implements RequestStreamHandler {

    private final PatchPlanService service;

    public PatchPlanHandler() {
        this(new Environment(System.getenv()));
    }

    private PatchPlanHandler(Environment env) {
        this(build(env, AwsClients.build(SsmClient.builder()), AwsClients.build(DynamoDbClient.builder()),
                AwsClients.build(SfnClient.builder())));
    }

    PatchPlanHandler(PatchPlanService service) {
        this.service = service;
    }

    private static PatchPlanService build(Environment env, SsmClient ssm, DynamoDbClient dynamo, SfnClient sfn) {
        String bakes = env.require("BAKES_TABLE");
        String images = env.require("IMAGES_TABLE");
        String ledger = env.require("LEDGER_TABLE");
        return new PatchPlanService(
                new SsmConfigSource(ssm, env.require("CONFIG_PARAMETER"), Duration.ofMinutes(1), Clock.systemUTC()),
                role -> {
                    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(bakes).consistentRead(true)
                            .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role)))).item();
                    return item == null || !item.containsKey("imageId") ? Optional.empty()
                            : Optional.of(new Ports.Published(item.get("imageId").s(), item.get("sha").s(),
                                    item.containsKey("pushedAt") ? item.get("pushedAt").s() : null));
                },
                imageId -> {
                    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(images)
                            .key(Map.of("imageId", AttributeValue.fromS(imageId)))).item();
                    if (item == null || !item.containsKey("packages")) {
                        return Optional.empty();
                    }
                    Set<String> sources = item.containsKey("sources") ? new HashSet<>(item.get("sources").ss()) : Set.of();
                    return Optional.of(new Ports.Contents(item.get("packages").m().keySet(), sources));
                },
                new DynamoPatchClaims(dynamo, ledger),
                executionArn -> {
                    try {
                        return sfn.describeExecution(r -> r.executionArn(executionArn)).status() == ExecutionStatus.RUNNING;
                    } catch (ExecutionDoesNotExistException gone) {
                        return false;
                    }
                });
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = Json.MAPPER.readTree(input);
        PatchPlan plan = PowertoolsLogging.withLogging(context, () -> service.plan(
                Advisory.fromEvent(request.get("event")), request.path("executionArn").asText(), Instant.now()));
        Json.MAPPER.writeValue(output, plan);
    }
}
