package dev.kiln.rotatereport;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What rotate-report is told by its deployment.
 *
 * @param rotationsTable  where each group's workflow records its outcome (partition key {@code rotation}, sort key {@code asg})
 * @param ledgerTable     the advisories ledger, whose {@code patch#<advisory>} item records the rotation a patch asked for;
 *                        null in a member stack, which keeps none (advisories are the hub's)
 * @param artifactsBucket where the full report is written
 */
record Config(String rotationsTable, String ledgerTable, String artifactsBucket) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("ROTATIONS_TABLE"), env.optional("LEDGER_TABLE", null),
                env.require("ARTIFACTS_BUCKET"));
    }
}
