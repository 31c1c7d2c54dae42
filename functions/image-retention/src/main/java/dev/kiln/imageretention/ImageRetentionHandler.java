package dev.kiln.imageretention;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.MalformedPayloadException;
import dev.kiln.common.Regional;
import dev.kiln.common.config.SsmConfigSource;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Run daily by a schedule, or by hand: {@code {"dryRun": true}} reports what it would remove without
 * removing anything, whatever the configuration says; {@code "mail": false} mails nothing (kiln images).
 */
public final class ImageRetentionHandler extends JsonHandler<ImageRetentionService.Request, ImageRetentionService.Report> {

    public ImageRetentionHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    ImageRetentionHandler(ImageRetentionService service) {
        super(ImageRetentionHandler::request,
                service::run);
    }

    private static ImageRetentionService build(Config config) {
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        SnsClient sns = AwsClients.build(SnsClient.builder());
        // the account's other regions, where distribute copied images: clients made when a region is first asked for
        Regional<Images> regions = new Regional<>(r -> new AwsImages(
                AwsClients.build(Ec2Client.builder().region(Region.of(r))), AwsClients.build(AutoScalingClient.builder().region(Region.of(r))),
                AwsClients.build(SsmClient.builder().region(Region.of(r))), config.imagePointerPrefix()));
        return new ImageRetentionService(
                SsmConfigSource.of(ssm, config.configParameter()),
                new AwsImages(AwsClients.build(Ec2Client.builder()), AwsClients.build(AutoScalingClient.builder()), ssm,
                        config.imagePointerPrefix()),
                regions::in,
                new AwsMembers(AwsClients.build(StsClient.builder()), config.deployment(), config.imagePointerPrefix()),
                (subject, message) -> sns.publish(r -> r.topicArn(config.topicArn()).subject(subject).message(message)));
    }

    /** {@code dryRun} when the payload says it; a schedule's event says nothing, so the configuration decides. */
    private static ImageRetentionService.Request request(byte[] payload) {
        JsonNode event = Json.tree(payload, MalformedPayloadException::new);
        return new ImageRetentionService.Request(
                event != null && event.path("dryRun").isBoolean() ? Optional.of(event.get("dryRun").asBoolean()) : Optional.empty(),
                event == null || event.path("mail").asBoolean(true));
    }
}
