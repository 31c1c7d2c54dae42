package dev.kiln.distributeplan;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.distributeplan.errors.InvalidDistributionRequestException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * distribute's first state. Its payload: {@code {"input": <execution input>, "executionArn": <its id>}} (see
 * {@link PlanRequest}); its answer: the {@link DistributionOrder}.
 */
public final class DistributePlanHandler extends JsonHandler<PlanRequest, DistributionOrder> {

    public DistributePlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    DistributePlanHandler(DistributePlanService service) {
        super(payload -> PlanRequest.from(Json.tree(payload, InvalidDistributionRequestException::new)), service::plan);
    }

    private static DistributePlanService build(Config config) {
        CurrentImages current = new CurrentImages(AwsClients.build(DynamoDbClient.builder()), config.bakesTable());
        return new DistributePlanService(SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                role -> current.of(role).map(CurrentImages.Current::imageId), config.deployment());
    }
}
