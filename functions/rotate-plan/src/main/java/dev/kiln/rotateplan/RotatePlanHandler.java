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
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        return new RotatePlanService(SsmConfigSource.of(ssm, config.configParameter()), new S3TagPages(s3),
                current(config, ssm), new S3PlanStore(s3), config.artifactsBucket());
    }

    /** The hub's publish guard in the bakes table; in a member stack, the pointers distribute writes there. */
    private static Ports.CurrentImages current(Config config, SsmClient ssm) {
        if (config.imagePointerPrefix() != null) {
            return new SsmImagePointers(ssm, config.imagePointerPrefix());
        }
        CurrentImages images = new CurrentImages(AwsClients.build(DynamoDbClient.builder()), config.bakesTable());
        return role -> images.of(role).map(CurrentImages.Current::imageId);
    }
}
