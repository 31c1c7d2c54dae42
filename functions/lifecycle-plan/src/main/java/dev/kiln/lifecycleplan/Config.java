package dev.kiln.lifecycleplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What lifecycle-plan is told by its deployment.
 *
 * @param envSecretPrefix    e.g. {@code kiln/env/}: a role's env secret is prefix + role
 * @param envParameterPrefix e.g. {@code /kiln/env/}: a role's env parameters are under prefix + role + "/"
 * @param releasesTable      the blue/green releases table: the release pinned on each colour of a blue/green role;
 *                           null in a member stack, which runs no blue/green release (its groups take the role's release)
 */
public record Config(
        String configParameter,
        String actionsTable,
        String artifactsBucket,
        String releasePrefix,
        String envSecretPrefix,
        String envParameterPrefix,
        String releasesTable) {

    public static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(
                env.require("CONFIG_PARAMETER"),
                env.require("ACTIONS_TABLE"),
                env.require("ARTIFACTS_BUCKET"),
                env.require("RELEASE_PARAMETER_PREFIX"),
                env.require("ENV_SECRET_PREFIX"),
                env.require("ENV_PARAMETER_PREFIX"),
                env.optional("RELEASES_TABLE", null));
    }
}
