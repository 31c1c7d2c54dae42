package dev.kiln.bakeplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What bake-plan is told by its deployment.
 *
 * @param imagePointerPrefix e.g. {@code /kiln/images/}; a role's newest image is at prefix + role
 * @param releasePrefix      e.g. {@code /kiln/releases/}; a role's current release is at prefix + role
 */
public record Config(
        String configParameter,
        String bakesTable,
        String artifactsBucket,
        String builderSecurityGroupId,
        String builderInstanceProfileArn,
        String imagePointerPrefix,
        String releasePrefix,
        String eventBus) {

    public static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(
                env.require("CONFIG_PARAMETER"),
                env.require("BAKES_TABLE"),
                env.require("ARTIFACTS_BUCKET"),
                env.require("BUILDER_SECURITY_GROUP_ID"),
                env.require("BUILDER_INSTANCE_PROFILE_ARN"),
                env.require("IMAGE_POINTER_PREFIX"),
                env.require("RELEASE_PARAMETER_PREFIX"),
                env.require("EVENT_BUS_NAME"));
    }
}
