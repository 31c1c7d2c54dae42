package dev.kiln.bakeplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.common.bake.DynamoBakeLedger;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.release.SsmReleaseSource;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The first state of bake. Its payload: {@code {"input": <the execution input>, "executionArn": ...,
 * "startedAt": ...}}; its answer: the {@link Plan}.
 */
public final class BakePlanHandler extends JsonHandler<BakePlanHandler.Request, Plan> {

    public BakePlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BakePlanHandler(BakePlanService service) {
        super(BakePlanHandler::request,
                request -> service.plan(request.input(), request.executionArn(), request.startedAt()));
    }

    private static BakePlanService build(Config config) {
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        return new BakePlanService(
                SsmConfigSource.of(ssm, config.configParameter()),
                new DynamoBakeLedger(dynamo, config.bakesTable()),
                running(AwsClients.build(SfnClient.builder())),
                new SsmReleaseSource(ssm, config.releasePrefix()),
                open(dynamo, config.bakesTable()),
                config);
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

    /** The payload, read: the execution's input (the service checks it against its schema), which execution, since when. */
    record Request(JsonNode input, String executionArn, Instant startedAt) {
    }

    private static Request request(byte[] payload) {
        JsonNode request = Json.tree(payload, InvalidBakeInputException::new);
        Json.require(InvalidBakeInputException::new, "bake-plan's payload", "input", request.path("input"),
                "executionArn", request.path("executionArn"), "startedAt", request.path("startedAt"));
        return new Request(request.get("input"), request.path("executionArn").asText(),
                Json.instant(request.path("startedAt"), "startedAt", InvalidBakeInputException::new));
    }
}
