package dev.kiln.sourcefetch;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What source-fetch is told by its deployment.
 *
 * @param configParameter the SSM parameter holding Kiln's configuration (the repository)
 * @param githubTokenSecretId the secret holding the token Kiln reads the repository with
 */
record Config(String configParameter, String githubTokenSecretId) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("GITHUB_TOKEN_SECRET_ID"));
    }
}
