package dev.kiln.imageretention;

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
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Run daily by a schedule, or by hand: {@code {"dryRun": true}} reports what it would remove without
 * removing anything, whatever the configuration says.
 */
public final class ImageRetentionHandler implements RequestStreamHandler {

    private final ImageRetentionService service;

    public ImageRetentionHandler() {
        this(new Environment(System.getenv()), AwsClients.build(SsmClient.builder()), AwsClients.build(SnsClient.builder()));
    }

    private ImageRetentionHandler(Environment env, SsmClient ssm, SnsClient sns) {
        this(new ImageRetentionService(
                new SsmConfigSource(ssm, env.require("CONFIG_PARAMETER"), Duration.ofMinutes(1), Clock.systemUTC()),
                new AwsImages(AwsClients.build(Ec2Client.builder()), AwsClients.build(AutoScalingClient.builder()), ssm,
                        env.require("IMAGE_POINTER_PREFIX")),
                (subject, message) -> sns.publish(r -> r.topicArn(env.require("TOPIC_ARN")).subject(subject).message(message))));
    }

    ImageRetentionHandler(ImageRetentionService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        Optional<Boolean> dryRun = event != null && event.path("dryRun").isBoolean()
                ? Optional.of(event.get("dryRun").asBoolean()) : Optional.empty();
        ImageRetentionService.Report report = PowertoolsLogging.withLogging(context, () -> service.run(dryRun));
        Json.MAPPER.writeValue(output, report);
    }
}
