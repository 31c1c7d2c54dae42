package dev.kiln.builderreaper;

import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/** Run by a schedule (or by hand); whatever the event, it looks at everything Kiln's bakes may have left. */
public final class BuilderReaperHandler extends JsonHandler<Instant, BuilderReaperService.Report> {

    public BuilderReaperHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BuilderReaperHandler(BuilderReaperService service) {
        super(payload -> Instant.now(),
                service::reap);
    }

    private static BuilderReaperService build(Config config) {
        SnsClient sns = AwsClients.build(SnsClient.builder());
        return new BuilderReaperService(
                new AwsLeftovers(AwsClients.build(Ec2Client.builder()), AwsClients.build(SfnClient.builder()),
                        AwsClients.build(DynamoDbClient.builder()), config.imagesTable()),
                (subject, message) -> sns.publish(r -> r.topicArn(config.topicArn()).subject(subject).message(message)));
    }
}
