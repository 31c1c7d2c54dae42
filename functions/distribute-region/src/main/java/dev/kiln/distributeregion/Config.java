package dev.kiln.distributeregion;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What distribute-region is told by its deployment.
 *
 * @param bakesTable the table whose {@code current#<role>} says which image a role's pointer may name
 */
record Config(String bakesTable) {

    static Config fromEnv(Map<String, String> variables) {
        return new Config(new Environment(variables).require("BAKES_TABLE"));
    }
}
