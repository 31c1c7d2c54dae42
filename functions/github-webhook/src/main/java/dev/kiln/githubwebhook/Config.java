package dev.kiln.githubwebhook;

import dev.kiln.common.Environment;
import java.util.Map;

/**
 * What github-webhook is told by its deployment.
 *
 * @param configParameter  the SSM parameter holding Kiln's configuration (the repository and its roles)
 * @param webhookSecretId  the secret holding the webhook's shared secret
 * @param deliveriesTable  the deliveries seen, so that a redelivery is answered without a second event
 * @param eventBusName     Kiln's bus, where a push goes as Push Received
 */
record Config(String configParameter, String webhookSecretId, String deliveriesTable, String eventBusName) {

    static Config fromEnv(Map<String, String> variables) {
        Environment env = new Environment(variables);
        return new Config(env.require("CONFIG_PARAMETER"), env.require("WEBHOOK_SECRET_ID"), env.require("DELIVERIES_TABLE"),
                env.require("EVENT_BUS_NAME"));
    }
}
