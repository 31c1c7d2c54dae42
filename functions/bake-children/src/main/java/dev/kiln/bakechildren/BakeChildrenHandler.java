package dev.kiln.bakechildren;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bakechildren.errors.MalformedEventException;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.SsmConfigSource;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Target of the rules on published "Image Baked" events and on "Rebuild Requested" (the weekly bake from scratch). */
public final class BakeChildrenHandler extends JsonHandler<JsonNode, List<BakeChildrenService.Child>> {

    public BakeChildrenHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BakeChildrenHandler(BakeChildrenService service) {
        super(payload -> Json.tree(payload, MalformedEventException::new),
                event -> RebuildRequested.is(event) ? service.rebuild(RebuildRequested.parse(event)) : service.handle(ImageBaked.parse(event)));
    }

    private static BakeChildrenService build(Config config) {
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        CurrentImages images = new CurrentImages(AwsClients.build(DynamoDbClient.builder()), config.bakesTable());
        return new BakeChildrenService(
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                role -> images.of(role).map(current -> new Ports.Current(current.sha(), current.pushedAt().toString())),
                (name, input) -> {
                    try {
                        sfn.startExecution(r -> r.stateMachineArn(config.bakeStateMachineArn()).name(name).input(input));
                        return true;
                    } catch (ExecutionAlreadyExistsException e) {
                        return false;
                    }
                });
    }
}
