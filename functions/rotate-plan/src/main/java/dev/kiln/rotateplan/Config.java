package dev.kiln.rotateplan;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What rotate-plan is told by its deployment: where each role's current image is named, in the hub or in a
 * member account.
 *
 * @param configParameter    the SSM parameter holding Kiln's configuration
 * @param bakesTable         in the hub: the table whose {@code current#<role>} items name each role's published
 *                           image; null in a member stack
 * @param imagePointerPrefix in a member stack: the pointers {@code <prefix><role>} the hub's distribute points at
 *                           the copy here once it is made and shared; null in the hub
 * @param artifactsBucket    where the state machine stored the tag pages, and where the plan is written
 */
record Config(String configParameter, String bakesTable, String imagePointerPrefix, String artifactsBucket) {

    Config {
        if ((bakesTable == null) == (imagePointerPrefix == null)) {
            throw new IllegalStateException("exactly one of BAKES_TABLE (the hub) and IMAGE_POINTER_PREFIX (a member"
                    + " stack) must be set: the function's deployment must provide it");
        }
    }

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.optional("BAKES_TABLE", null),
                env.optional("IMAGE_POINTER_PREFIX", null), env.require("ARTIFACTS_BUCKET"));
    }
}
