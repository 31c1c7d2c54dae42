package dev.kiln.bakecleanup;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What bake-cleanup is told by its deployment.
 *
 * @param bakesTable the bakes table, whose claim a failed bake marks FAILED
 */
record Config(String bakesTable) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("BAKES_TABLE"));
    }
}
