package dev.kiln.bakechildren;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** Target of the rules on published "Image Baked" events and on "Rebuild Requested" (the weekly bake from scratch). */
public final class BakeChildrenHandler implements RequestStreamHandler {

    private final BakeChildrenService service;

    public BakeChildrenHandler() {
        this(new Environment(System.getenv()));
    }

    private BakeChildrenHandler(Environment env) {
        this(build(env, AwsClients.build(DynamoDbClient.builder()), AwsClients.build(SfnClient.builder())));
    }

    BakeChildrenHandler(BakeChildrenService service) {
        this.service = service;
    }

    private static BakeChildrenService build(Environment env, DynamoDbClient dynamo, SfnClient sfn) {
        String table = env.require("BAKES_TABLE");
        String stateMachine = env.require("BAKE_STATE_MACHINE_ARN");
        return new BakeChildrenService(
                new SsmConfigSource(AwsClients.build(SsmClient.builder()), env.require("CONFIG_PARAMETER"),
                        Duration.ofMinutes(1), Clock.systemUTC()),
                role -> {
                    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                            .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role)))).item();
                    return item == null || !item.containsKey("sha") ? Optional.empty()
                            : Optional.of(new Ports.Current(item.get("sha").s(), item.get("pushedAt").s()));
                },
                (name, input) -> {
                    try {
                        sfn.startExecution(r -> r.stateMachineArn(stateMachine).name(name).input(input));
                        return true;
                    } catch (ExecutionAlreadyExistsException e) {
                        return false;
                    }
                });
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = RebuildRequested.read(input.readAllBytes());
        List<BakeChildrenService.Child> children = PowertoolsLogging.withLogging(context, () -> RebuildRequested.is(event)
                ? service.rebuild(RebuildRequested.parse(event)) : service.handle(ImageBaked.parse(event)));
        Json.MAPPER.writeValue(output, children);
    }
}
