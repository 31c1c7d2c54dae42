package dev.kiln.launchguard;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What launch-guard is told by its deployment.
 *
 * @param configParameter     the SSM parameter holding Kiln's configuration (its {@code launchFailures} limits)
 * @param failedLaunchesTable each group's failed launches in a row
 * @param topicArn            where the team hears that a group was suspended
 */
record Config(String configParameter, String failedLaunchesTable, String topicArn) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("FAILED_LAUNCHES_TABLE"),
                env.require("TOPIC_ARN"));
    }
}
