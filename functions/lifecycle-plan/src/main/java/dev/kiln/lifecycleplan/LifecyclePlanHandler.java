package dev.kiln.lifecycleplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.lifecycleplan.errors.InvalidLifecycleEventException;
import dev.kiln.common.bluegreen.ColourReleases;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.common.release.SsmReleaseSource;
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

/**
 * The first state of launch and drain. Its payload: {@code {"event": <the execution input>,
 * "workflow": "launch"|"drain", "executionArn": ..., "executionName": ...}}; its answer: the {@link LifecyclePlan}.
 */
public final class LifecyclePlanHandler extends JsonHandler<LifecyclePlanHandler.Request, LifecyclePlan> {

    public LifecyclePlanHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    LifecyclePlanHandler(LifecyclePlanService service) {
        super(LifecyclePlanHandler::request,
                request -> service.plan(request.event(), request.workflow(), request.executionArn(), request.executionName(), Instant.now()));
    }

    private static LifecyclePlanService build(Config config) {
        SsmClient ssm = AwsClients.build(SsmClient.builder());
        Ec2Client ec2 = AwsClients.build(Ec2Client.builder());
        DynamoDbClient dynamo = AwsClients.build(DynamoDbClient.builder());
        return new LifecyclePlanService(
                SsmConfigSource.of(ssm, config.configParameter()),
                new SsmReleaseSource(ssm, config.releasePrefix()),
                config.releasesTable() == null ? (role, colour) -> Optional.empty() : new ColourReleases(dynamo, config.releasesTable())::pinned,
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
                new DynamoActions(dynamo, config.actionsTable()),
                config);
    }

    /** The payload, read: the lifecycle action, which workflow handles it, and in which execution. */
    record Request(LifecycleEvent event, String workflow, String executionArn, String executionName) {
    }

    private static Request request(byte[] payload) {
        JsonNode request = Json.tree(payload, InvalidLifecycleEventException::new);
        return new Request(LifecycleEvent.parse(request.get("event")), request.path("workflow").asText(),
                request.path("executionArn").asText(), request.path("executionName").asText());
    }
}
