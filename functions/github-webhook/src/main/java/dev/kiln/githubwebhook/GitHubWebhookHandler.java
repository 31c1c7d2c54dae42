package dev.kiln.githubwebhook;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.KilnMetrics;
import dev.kiln.common.Json;
import dev.kiln.common.config.SsmConfigSource;
import dev.kiln.githubwebhook.errors.EmitFailedException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The Function URL's handler: reads the request Lambda hands it (payload format 2.0) and answers with
 * a status and a JSON body that a GitHub admin can read in "Recent Deliveries".
 */
public final class GitHubWebhookHandler extends JsonHandler<byte[], ObjectNode> {

    private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhookHandler.class);

    public GitHubWebhookHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    /** The request is read in {@link #reply}: one that is not a Function URL request is answered 400, not thrown. */
    GitHubWebhookHandler(WebhookService service) {
        super(payload -> payload, event -> response(counted(reply(service, event))));
    }

    /**
     * A request refused for its signature (missing or not matching the secret: a probe, or a webhook whose secret
     * is not Kiln's) is counted: metric {@code Kiln WebhookRefusals}, dimension {@code Reason=signature}. The stack
     * alarms when many arrive.
     */
    private static Ports.Answer counted(Ports.Answer answer) {
        if (answer.status() == 401) {
            KilnMetrics.count("WebhookRefusals", Map.of("Reason", "signature"), 1);
        }
        return answer;
    }

    private static WebhookService build(Config config) {
        return new WebhookService(
                new SecretsManagerWebhookSecrets(AwsClients.build(SecretsManagerClient.builder()),
                        config.webhookSecretId(), Clock.systemUTC()),
                new DynamoDeliveries(AwsClients.build(DynamoDbClient.builder()), config.deliveriesTable()),
                new EventBridgePushEvents(AwsClients.build(EventBridgeClient.builder()), config.eventBusName()),
                SsmConfigSource.of(AwsClients.build(SsmClient.builder()), config.configParameter()));
    }

    /** The Function URL's response (payload format 2.0): the status, and the answer as a JSON body. */
    private static ObjectNode response(Ports.Answer answer) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("statusCode", answer.status());
        response.putObject("headers").put("content-type", "application/json");
        response.put("body", answer.body());
        return response;
    }

    static Ports.Answer reply(WebhookService service, byte[] event) {
        WebhookRequest request;
        try {
            request = request(Json.MAPPER.readTree(event));
        } catch (IOException | RuntimeException e) {
            return new Ports.Answer(400, "{\"error\":\"not a Function URL request\"}");
        }
        try {
            return service.handle(request, Instant.now());
        } catch (SdkException | EmitFailedException e) {
            LOG.error("Kiln could not reach AWS to handle a delivery; it can be redelivered", entry("reason", e.getMessage()));
            return new Ports.Answer(503, "{\"error\":\"Kiln could not reach AWS just now; redeliver this delivery\"}");
        } catch (RuntimeException e) {
            LOG.error("Kiln failed to handle a delivery", e);
            return new Ports.Answer(500, "{\"error\":\"Kiln failed to handle this delivery; its logs say why\"}");
        }
    }

    private static WebhookRequest request(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        Map<String, String> headers = new HashMap<>();
        event.path("headers").properties().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        JsonNode body = event.get("body");
        return new WebhookRequest(headers, body == null || body.isNull() ? "" : body.asText(),
                event.path("isBase64Encoded").asBoolean(false));
    }
}
