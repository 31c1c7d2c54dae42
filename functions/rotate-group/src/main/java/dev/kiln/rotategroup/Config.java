package dev.kiln.rotategroup;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What rotate-group is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration
 */
record Config(String configParameter) {

    static Config fromEnv(Map<String, String> variables) {
        return new Config(new Environment(variables).require("CONFIG_PARAMETER"));
    }
}
