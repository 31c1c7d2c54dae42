package dev.kiln.builderreaper;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What builder-reaper is told by its deployment.
 *
 * @param imagesTable the images Kiln recorded: an image it did not record is a leftover
 * @param topicArn where the team hears what was reaped
 */
record Config(String imagesTable, String topicArn) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("IMAGES_TABLE"), env.require("TOPIC_ARN"));
    }
}
