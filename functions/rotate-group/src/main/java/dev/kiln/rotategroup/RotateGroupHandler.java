package dev.kiln.rotategroup;

import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.rotategroup.errors.InvalidGroupRequestException;
import java.time.Clock;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * rotate's step for one group. Its payload: {@code {"item": {"asg", "role", "imageId"}, "groups": [...],
 * "refreshes": [...]}} (see {@link GroupRequest}); its answer: the {@link GroupDecision}.
 */
public final class RotateGroupHandler extends JsonHandler<GroupRequest, GroupDecision> {

    public RotateGroupHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    RotateGroupHandler(RotateGroupService service) {
        super(payload -> GroupRequest.parse(Json.tree(payload, InvalidGroupRequestException::new)),
                service::decide);
    }

    private static RotateGroupService build(Config config) {
        Ec2Client ec2 = AwsClients.build(Ec2Client.builder());
        return new RotateGroupService(SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()),
                new Ec2LaunchTemplates(ec2), new Ec2GroupInstances(ec2), Clock.systemUTC());
    }
}
