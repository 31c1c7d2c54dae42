package dev.kiln.rotateplan;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.rotateplan.errors.InvalidRotationInputException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * rotate's first state. Its payload: {@code {"rotation": <execution name>, "input": <execution input>,
 * "startedAt": <ISO instant>}}; its answer: the {@link RotatePlan}.
 */
public final class RotatePlanHandler extends JsonHandler<PlanRequest, RotatePlan> {

    public RotatePlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    RotatePlanHandler(RotatePlanService service) {
        super(payload -> PlanRequest.from(Json.tree(payload, InvalidRotationInputException::new)),
                service::plan);
    }

    private static RotatePlanService build(Config config) {
        S3Client s3 = AwsClients.build(S3Client.builder());
        return new RotatePlanService(
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                new S3TagPages(s3), current(new CurrentImages(AwsClients.build(DynamoDbClient.builder()), config.bakesTable())),
                new S3PlanStore(s3), config.artifactsBucket());
    }

    private static Ports.CurrentImages current(CurrentImages images) {
        return role -> images.of(role).map(CurrentImages.Current::imageId);
    }
}
