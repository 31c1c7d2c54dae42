package dev.kiln.bakerecord;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What bake-record is told by its deployment.
 *
 * @param bakesTable the bakes table: the claim it marks published, and {@code current#<role>}
 * @param imagesTable one item per image Kiln recorded
 */
record Config(String bakesTable, String imagesTable) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("BAKES_TABLE"), env.require("IMAGES_TABLE"));
    }
}
