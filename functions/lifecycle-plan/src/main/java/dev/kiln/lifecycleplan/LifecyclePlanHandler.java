package dev.kiln.lifecycleplan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.release.SsmReleaseSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The first state of launch and drain. Its payload: {@code {"event": <the execution input>,
 * "workflow": "launch"|"drain", "executionArn": ..., "executionName": ...}}; its answer: the {@link LifecyclePlan}.
 */
public final class LifecyclePlanHandler implements RequestStreamHandler {

    private final LifecyclePlanService service;

    public LifecyclePlanHandler() {
        this(Settings.fromEnv(System.getenv()));
    }

    private LifecyclePlanHandler(Settings settings) {
        this(build(settings, AwsClients.build(SsmClient.builder()), AwsClients.build(Ec2Client.builder()),
                AwsClients.build(DynamoDbClient.builder())));
    }

    LifecyclePlanHandler(LifecyclePlanService service) {
        this.service = service;
    }

    private static LifecyclePlanService build(Settings settings, SsmClient ssm, Ec2Client ec2, DynamoDbClient dynamo) {
        return new LifecyclePlanService(
                new SsmConfigSource(ssm, settings.configParameter(), Duration.ofMinutes(1), Clock.systemUTC()),
                new SsmReleaseSource(ssm, settings.releasePrefix()),
                instanceId -> {
                    try {
                        return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                                .flatMap(reservation -> reservation.instances().stream())
                                .findFirst()
                                .map(Instance::tags)
                                .map(tags -> tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a)));
                    } catch (Ec2Exception e) {
                        if ("InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                            return Optional.<Map<String, String>>empty();
                        }
                        throw e;
                    }
                },
                new DynamoActions(dynamo, settings.actionsTable()),
                settings);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = Json.MAPPER.readTree(input);
        LifecyclePlan plan = PowertoolsLogging.withLogging(context, () -> service.plan(
                LifecycleEvent.parse(request.get("event")), request.path("workflow").asText(),
                request.path("executionArn").asText(), request.path("executionName").asText(), Instant.now()));
        Json.MAPPER.writeValue(output, plan);
    }
}
