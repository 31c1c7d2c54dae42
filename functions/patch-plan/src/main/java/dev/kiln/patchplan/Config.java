package dev.kiln.patchplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What patch-plan is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration (the roles)
 * @param bakesTable      the bakes table, whose {@code current#<role>} items name each role's image
 * @param imagesTable     the images Kiln recorded, with the packages each carries
 * @param ledgerTable     the advisories' ledger, where patch claims {@code patch#<advisory id>}
 */
record Config(String configParameter, String bakesTable, String imagesTable, String ledgerTable) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("BAKES_TABLE"), env.require("IMAGES_TABLE"),
                env.require("LEDGER_TABLE"));
    }
}
