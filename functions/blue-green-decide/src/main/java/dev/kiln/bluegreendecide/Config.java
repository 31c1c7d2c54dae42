package dev.kiln.bluegreendecide;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What blue-green-decide is told by its deployment.
 *
 * @param releasesTable the blue/green releases table, where each wait's task token is kept
 * @param linkKeySecret the Secrets Manager secret whose value signs the approval links
 */
record Config(String releasesTable, String linkKeySecret) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("RELEASES_TABLE"), env.require("LINK_KEY_SECRET"));
    }
}
