package dev.kiln.bluegreendecide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bluegreendecide.errors.InvalidDecisionException;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Cached;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;
import dev.kiln.common.bluegreen.ApprovalLinks;
import dev.kiln.common.bluegreen.Approvals;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Two callers: the approval page's Function URL (payload format 2.0; answered with a status and HTML) and a
 * person's {@code aws lambda invoke} with {@code {"role", "decision", "by"}} (answered with what was decided,
 * or failing with {@code NothingToDecideException} saying why not).
 */
public final class BlueGreenDecideHandler extends JsonHandler<DecisionRequest, JsonNode> {

    public BlueGreenDecideHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BlueGreenDecideHandler(BlueGreenDecideService service) {
        super(payload -> DecisionRequest.from(Json.tree(payload, InvalidDecisionException::new)),
                request -> switch (request) {
                    case DecisionRequest.Page page -> response(service.page(page, Instant.now()));
                    case DecisionRequest.Command command -> Json.MAPPER.valueToTree(service.command(command, Instant.now()));
                });
    }

    /** The Function URL's response: the page, never cached, never indexed, loading nothing from elsewhere. */
    private static ObjectNode response(BlueGreenDecideService.PageAnswer answer) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("statusCode", answer.status());
        response.putObject("headers").put("content-type", "text/html; charset=utf-8").put("cache-control", "no-store")
                .put("x-robots-tag", "noindex, nofollow").put("referrer-policy", "no-referrer")
                .put("x-frame-options", "DENY")
                .put("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        response.put("body", answer.html());
        return response;
    }

    private static BlueGreenDecideService build(Config config) {
        SfnClient sfn = AwsClients.build(SfnClient.builder());
        SecretsManagerClient secrets = AwsClients.build(SecretsManagerClient.builder());
        Approvals approvals = new Approvals(AwsClients.build(DynamoDbClient.builder()), config.releasesTable());
        Cached<ApprovalLinks> links = new Cached<>(Duration.ofMinutes(5), Clock.systemUTC(), () -> new ApprovalLinks(
                secrets.getSecretValue(r -> r.secretId(config.linkKeySecret())).secretString().getBytes(StandardCharsets.UTF_8)));
        return new BlueGreenDecideService(
                new Ports.Waits() {
                    @Override
                    public Optional<Approvals.Approval> get(String id) {
                        return approvals.get(id);
                    }

                    @Override
                    public Optional<String> waiting(String role) {
                        return approvals.waiting(role);
                    }

                    @Override
                    public boolean decide(String id, Approvals.State state, String by, Instant at) {
                        return approvals.decide(id, state, by, at);
                    }
                },
                new Ports.Tasks() {
                    @Override
                    public boolean succeed(String token, String output) {
                        try {
                            sfn.sendTaskSuccess(r -> r.taskToken(token).output(output));
                            return true;
                        } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException gone) {
                            return false;
                        }
                    }

                    @Override
                    public boolean fail(String token, String error, String cause) {
                        try {
                            sfn.sendTaskFailure(r -> r.taskToken(token).error(error).cause(cause));
                            return true;
                        } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException gone) {
                            return false;
                        }
                    }
                },
                links::get);
    }
}
