package dev.kiln.distributeplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What distribute-plan is told by its deployment.
 *
 * @param deployment the deployment's name ({@code kiln}): a role's pointer is {@code /<name>/images/<role>} in every
 *                   region and account, a member stack's role for the hub is named after it
 */
record Config(String configParameter, String bakesTable, String deployment) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"), env.require("DEPLOYMENT_NAME"));
    }
}
