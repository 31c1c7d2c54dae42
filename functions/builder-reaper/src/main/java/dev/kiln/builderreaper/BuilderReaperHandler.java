package dev.kiln.builderreaper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Environment;
import dev.kiln.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** Run by a schedule (or by hand); whatever the event, it looks at everything Kiln's bakes may have left. */
public final class BuilderReaperHandler implements RequestStreamHandler {

    private final BuilderReaperService service;

    public BuilderReaperHandler() {
        this(new Environment(System.getenv()), AwsClients.build(SnsClient.builder()));
    }

    private BuilderReaperHandler(Environment env, SnsClient sns) {
        this(new BuilderReaperService(
                new AwsLeftovers(AwsClients.build(Ec2Client.builder()), AwsClients.build(SfnClient.builder()),
                        AwsClients.build(DynamoDbClient.builder()), env.require("IMAGES_TABLE")),
                (subject, message) -> sns.publish(r -> r.topicArn(env.require("TOPIC_ARN")).subject(subject).message(message))));
    }

    BuilderReaperHandler(BuilderReaperService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        BuilderReaperService.Report report = PowertoolsLogging.withLogging(context, () -> service.reap(Instant.now()));
        Json.MAPPER.writeValue(output, report);
    }
}
