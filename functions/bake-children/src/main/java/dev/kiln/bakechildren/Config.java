package dev.kiln.bakechildren;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What bake-children is told by its deployment.
 *
 * @param configParameter      the SSM parameter holding Kiln's configuration (the roles and their parents)
 * @param bakesTable           the bakes table, whose {@code current#<role>} items name each role's image
 * @param bakeStateMachineArn  the bake state machine it starts a child's bake on
 */
record Config(String configParameter, String bakesTable, String bakeStateMachineArn) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"), env.require("BAKE_STATE_MACHINE_ARN"));
    }
}
