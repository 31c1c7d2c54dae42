package dev.kiln.distributeregion;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.Regional;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.distributeregion.errors.InvalidRegionRequestException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * distribute's steps in one target region. Its payload: a {@link RegionRequest} ({@code {"action": "copy" |
 * "check" | "finish" | "point", ...}}); its answer: the {@link RegionAnswer} of that step.
 */
public final class DistributeRegionHandler extends JsonHandler<RegionRequest, RegionAnswer> {

    public DistributeRegionHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    DistributeRegionHandler(DistributeRegionService service) {
        super(payload -> RegionRequest.parse(Json.tree(payload, InvalidRegionRequestException::new)), service::handle);
    }

    private static DistributeRegionService build(Config config) {
        CurrentImages current = new CurrentImages(AwsClients.build(DynamoDbClient.builder()), config.bakesTable());
        return new DistributeRegionService(
                new Ec2Images(new Regional<>(region -> AwsClients.build(Ec2Client.builder().region(Region.of(region))))),
                new KmsKeys(new Regional<>(region -> AwsClients.build(KmsClient.builder().region(Region.of(region))))),
                new SsmPointers(new Regional<>(region -> AwsClients.build(SsmClient.builder().region(Region.of(region)))),
                        AwsClients.build(StsClient.builder())),
                role -> current.of(role).map(CurrentImages.Current::imageId));
    }
}
