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

    static Config fromEnv(Map<String, String> env) {
        Environment environment = new Environment(env);
        return new Config(environment.require("CONFIG_PARAMETER"), environment.require("FAILED_LAUNCHES_TABLE"),
                environment.require("TOPIC_ARN"));
    }
}
