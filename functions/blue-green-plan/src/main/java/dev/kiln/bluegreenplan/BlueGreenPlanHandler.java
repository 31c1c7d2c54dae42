package dev.kiln.bluegreenplan;

import dev.kiln.bluegreenplan.errors.InvalidBlueGreenInputException;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.release.SsmReleaseSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * blue-green's first state. Its payload: {@code {"input": <execution input>, "execution": <execution ARN>,
 * "startedAt": <ISO instant>}}; its answer: the {@link BlueGreenPlan}.
 */
public final class BlueGreenPlanHandler extends JsonHandler<PlanRequest, BlueGreenPlan> {

    public BlueGreenPlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BlueGreenPlanHandler(BlueGreenPlanService service) {
        super(payload -> PlanRequest.from(Json.tree(payload, InvalidBlueGreenInputException::new)), service::plan);
    }

    private static BlueGreenPlanService build(Config config) {
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        CurrentImages current = new CurrentImages(dynamo, config.bakesTable());
        return new BlueGreenPlanService(
                SsmConfigSource.of(ssm, config.configParameter()),
                new SsmReleaseSource(ssm, config.releasePrefix()),
                new Ports.Images() {
                    @Override
                    public Optional<Ports.Image> current(String role) {
                        return current.of(role).map(c -> new Ports.Image(c.imageId(), c.sha()));
                    }

                    @Override
                    public List<String> advisories(String imageId) {
                        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(config.imagesTable())
                                .key(Map.of("imageId", AttributeValue.fromS(imageId)))).item();
                        return item == null || !item.containsKey("advisories") ? List.of()
                                : item.get("advisories").l().stream().map(AttributeValue::s).toList();
                    }
                },
                new AwsLoadBalancing(AwsClients.build(ElasticLoadBalancingV2Client.builder())),
                new AwsGroups(AwsClients.build(AutoScalingClient.builder())),
                new DynamoReleases(dynamo, config.releasesTable()),
                execution -> {
                    try {
                        return sfn.describeExecution(r -> r.executionArn(execution)).status() == ExecutionStatus.RUNNING;
                    } catch (ExecutionDoesNotExistException gone) {
                        return false;
                    }
                },
                config);
    }
}
