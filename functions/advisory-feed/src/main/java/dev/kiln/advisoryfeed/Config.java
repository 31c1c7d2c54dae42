package dev.kiln.advisoryfeed;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What advisory-feed is told by its deployment.
 *
 * @param configParameter         the SSM parameter holding Kiln's configuration (its {@code advisories})
 * @param ledgerTable             each feed's validators and each advisory's state
 * @param announceStateMachineArn the {@code announce} state machine, which puts an advisory on Kiln's bus
 */
record Config(String configParameter, String ledgerTable, String announceStateMachineArn) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("LEDGER_TABLE"),
                env.require("ANNOUNCE_STATE_MACHINE_ARN"));
    }
}
