package dev.kiln.rotateplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What rotate-plan is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration
 * @param bakesTable      the table whose {@code current#<role>} items name each role's published image
 * @param artifactsBucket where the state machine stored the tag pages, and where the plan is written
 */
record Config(String configParameter, String bakesTable, String artifactsBucket) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"),
                env.require("ARTIFACTS_BUCKET"));
    }
}
