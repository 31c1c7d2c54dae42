package dev.kiln.notify;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What the notify function is told by its deployment.
 *
 * @param topicArn           the SNS topic notifications are published to
 * @param stateMachinePrefix the name prefix of Kiln's own state machines (e.g. {@code kiln-}); others are ignored
 */
public record Config(String topicArn, String stateMachinePrefix) {

    public static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("TOPIC_ARN"), env.require("STATE_MACHINE_PREFIX"));
    }
}
