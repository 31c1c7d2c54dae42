package dev.kiln.lifecycleplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What lifecycle-plan is told by its deployment.
 *
 * @param envSecretPrefix    e.g. {@code kiln/env/}: a role's env secret is prefix + role
 * @param envParameterPrefix e.g. {@code /kiln/env/}: a role's env parameters are under prefix + role + "/"
 */
public record Settings(
        String configParameter,
        String actionsTable,
        String artifactBucket,
        String releasePrefix,
        String envSecretPrefix,
        String envParameterPrefix) {

    public static Settings fromEnv(Map<String, String> env) {
        Environment e = new Environment(env);
        return new Settings(
                e.require("CONFIG_PARAMETER"),
                e.require("ACTIONS_TABLE"),
                e.require("ARTIFACT_BUCKET"),
                e.require("RELEASE_PARAMETER_PREFIX"),
                e.require("ENV_SECRET_PREFIX"),
                e.require("ENV_PARAMETER_PREFIX"));
    }
}
