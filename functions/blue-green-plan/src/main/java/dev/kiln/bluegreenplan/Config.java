package dev.kiln.bluegreenplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What blue-green-plan is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration
 * @param bakesTable      the table whose {@code current#<role>} items name each role's published image
 * @param imagesTable     the table of recorded images (the advisories each bake applied)
 * @param releasesTable   the blue/green releases table: which release of a role runs, what its live colour runs
 * @param releasePrefix   the SSM prefix of the roles' releases, e.g. {@code /kiln/releases/}
 * @param artifactsBucket where the smoke checks' output goes
 */
record Config(String configParameter, String bakesTable, String imagesTable, String releasesTable, String releasePrefix, String artifactsBucket) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"), env.require("IMAGES_TABLE"),
                env.require("RELEASES_TABLE"),
                env.require("RELEASE_PREFIX"), env.require("ARTIFACTS_BUCKET"));
    }
}
