package dev.kiln.patchplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.patchplan.errors.InvalidAdvisoryException;
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

/**
 * patch's first state. Its payload: {@code {"event": <the execution input>, "executionArn": ...}};
 * its answer: the {@link PatchPlan}.
 */
public final class PatchPlanHandler extends JsonHandler<PatchPlanHandler.Request, PatchPlan> {

    public PatchPlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    PatchPlanHandler(PatchPlanService service) {
        super(PatchPlanHandler::request,
                request -> service.plan(request.advisory(), request.executionArn(), Instant.now()));
    }

    private static PatchPlanService build(Config config) {
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        CurrentImages images = new CurrentImages(dynamo, config.bakesTable());
        return new PatchPlanService(
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                role -> images.of(role).map(current -> new Ports.Published(current.imageId(), current.sha(),
                        current.pushedAt().toString())),
                imageId -> {
                    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(config.imagesTable())
                            .key(Map.of("imageId", AttributeValue.fromS(imageId)))).item();
                    if (item == null || !item.containsKey("packages")) {
                        return Optional.empty();
                    }
                    Set<String> sources = item.containsKey("sources") ? new HashSet<>(item.get("sources").ss()) : Set.of();
                    return Optional.of(new Ports.Contents(item.get("packages").m().keySet(), sources));
                },
                new DynamoPatchClaims(dynamo, config.ledgerTable()),
                executionArn -> {
                    try {
                        return sfn.describeExecution(r -> r.executionArn(executionArn)).status() == ExecutionStatus.RUNNING;
                    } catch (ExecutionDoesNotExistException gone) {
                        return false;
                    }
                });
    }

    /** The payload, read: the advisory the event announces, and the execution planning for it. */
    record Request(Advisory advisory, String executionArn) {
    }

    private static Request request(byte[] payload) {
        JsonNode request = Json.tree(payload, InvalidAdvisoryException::new);
        return new Request(Advisory.fromEvent(request.get("event")), request.path("executionArn").asText());
    }
}
