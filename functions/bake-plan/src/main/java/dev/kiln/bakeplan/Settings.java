package dev.kiln.bakeplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What bake-plan is told by its deployment.
 *
 * @param imagePointerPrefix e.g. {@code /kiln/images/}; a role's newest image is at prefix + role
 * @param releasePrefix      e.g. {@code /kiln/releases/}; a role's current release is at prefix + role
 */
public record Settings(
        String configParameter,
        String bakesTable,
        String artifactBucket,
        String builderSecurityGroupId,
        String builderInstanceProfileArn,
        String imagePointerPrefix,
        String releasePrefix,
        String eventBus) {

    public static Settings fromEnv(Map<String, String> env) {
        Environment e = new Environment(env);
        return new Settings(
                e.require("CONFIG_PARAMETER"),
                e.require("BAKES_TABLE"),
                e.require("ARTIFACT_BUCKET"),
                e.require("BUILDER_SECURITY_GROUP_ID"),
                e.require("BUILDER_INSTANCE_PROFILE_ARN"),
                e.require("IMAGE_POINTER_PREFIX"),
                e.require("RELEASE_PARAMETER_PREFIX"),
                e.require("EVENT_BUS_NAME"));
    }
}
