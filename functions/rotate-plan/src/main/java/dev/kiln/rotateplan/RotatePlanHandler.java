package dev.kiln.rotateplan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.rotateplan.errors.InvalidRotationInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * rotate's first state. Its payload: {@code {"rotation": <execution name>, "input": <execution input>,
 * "startedAt": <ISO instant>}}; its answer: the {@link RotatePlan}.
 */
public final class RotatePlanHandler implements RequestStreamHandler {

    private final RotatePlanService service;

    public RotatePlanHandler() {
        this(Config.fromEnv(System.getenv()));
    }

    private RotatePlanHandler(Config config) {
        this(build(config, AwsClients.build(SsmClient.builder()), AwsClients.build(DynamoDbClient.builder()),
                AwsClients.build(S3Client.builder())));
    }

    RotatePlanHandler(RotatePlanService service) {
        this.service = service;
    }

    private static RotatePlanService build(Config config, SsmClient ssm, DynamoDbClient dynamo, S3Client s3) {
        return new RotatePlanService(
                new SsmConfigSource(ssm, config.configParameter(), Duration.ofMinutes(1), Clock.systemUTC()),
                new S3TagPages(s3), new DynamoCurrentImages(dynamo, config.bakesTable()), new S3PlanStore(s3),
                config.artifactsBucket());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(input);
        } catch (JsonProcessingException e) {
            throw new InvalidRotationInputException("the payload is not JSON: " + e.getOriginalMessage());
        }
        RotatePlan plan = PowertoolsLogging.withLogging(context, () -> service.plan(PlanRequest.from(payload)));
        Json.MAPPER.writeValue(output, plan);
    }
}
