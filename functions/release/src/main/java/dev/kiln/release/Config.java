package dev.kiln.release;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What release is told by its deployment.
 *
 * @param configParameter     the SSM parameter holding Kiln's configuration (the roles)
 * @param releasePrefix       e.g. {@code /kiln/releases/}; a role's current release is at prefix + role
 * @param failedLaunchesTable each group's failed launches in a row, forgotten when a new release comes
 * @param artifactsBucket     the bucket a release's artifact must be in
 */
record Config(String configParameter, String releasePrefix, String failedLaunchesTable, String artifactsBucket) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("RELEASE_PARAMETER_PREFIX"),
                env.require("FAILED_LAUNCHES_TABLE"), env.require("ARTIFACTS_BUCKET"));
    }
}
