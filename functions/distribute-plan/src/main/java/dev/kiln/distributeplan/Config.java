package dev.kiln.distributeplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What distribute-plan is told by its deployment.
 *
 * @param imagePointerPrefix e.g. {@code /kiln/images/}: a role's pointer is prefix + role, in every region
 */
record Config(String configParameter, String bakesTable, String imagePointerPrefix) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"), env.require("IMAGE_POINTER_PREFIX"));
    }
}
