package dev.kiln.rotategroup;

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
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * rotate's step for one group. Its payload: {@code {"item": {"asg", "role", "imageId"}, "groups": [...],
 * "refreshes": [...]}} (see {@link GroupRequest}); its answer: the {@link GroupDecision}.
 */
public final class RotateGroupHandler implements RequestStreamHandler {

    private final RotateGroupService service;

    public RotateGroupHandler() {
        this(new Environment(System.getenv()));
    }

    private RotateGroupHandler(Environment env) {
        this(build(env, AwsClients.build(SsmClient.builder()), AwsClients.build(Ec2Client.builder())));
    }

    RotateGroupHandler(RotateGroupService service) {
        this.service = service;
    }

    private static RotateGroupService build(Environment env, SsmClient ssm, Ec2Client ec2) {
        return new RotateGroupService(
                new SsmConfigSource(ssm, env.require("CONFIG_PARAMETER"), Duration.ofMinutes(1), Clock.systemUTC()),
                new Ec2LaunchTemplates(ec2), new Ec2GroupInstances(ec2), Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode payload = Json.MAPPER.readTree(input);
        GroupDecision decision = PowertoolsLogging.withLogging(context, () -> service.decide(GroupRequest.parse(payload)));
        Json.MAPPER.writeValue(output, decision);
    }
}
