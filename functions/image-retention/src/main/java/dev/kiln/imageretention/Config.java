package dev.kiln.imageretention;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What image-retention is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration (its {@code retention})
 * @param imagePointerPrefix e.g. {@code /kiln/images/}: a role's pointer names an image in use
 * @param topicArn where the team hears what was removed
 * @param deployment the deployment's name: member stacks' roles for the hub are named after it
 */
record Config(String configParameter, String imagePointerPrefix, String topicArn, String deployment) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("IMAGE_POINTER_PREFIX"), env.require("TOPIC_ARN"),
                env.require("DEPLOYMENT_NAME"));
    }
}
