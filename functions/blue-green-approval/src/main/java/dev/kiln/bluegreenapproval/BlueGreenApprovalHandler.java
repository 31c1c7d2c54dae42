package dev.kiln.bluegreenapproval;

import dev.kiln.bluegreenapproval.errors.InvalidApprovalPayloadException;
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
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * blue-green's waits for a person (states {@code AskApproval} and {@code RollbackWindow}, invoked with
 * {@code .waitForTaskToken}). Its payload: {@link WaitRequest}; its answer: the opened wait (the state machine
 * waits for the decision, not for this answer).
 */
public final class BlueGreenApprovalHandler extends JsonHandler<WaitRequest, BlueGreenApprovalService.Opened> {

    public BlueGreenApprovalHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    BlueGreenApprovalHandler(BlueGreenApprovalService service) {
        super(payload -> WaitRequest.from(Json.tree(payload, InvalidApprovalPayloadException::new)),
                request -> service.open(request, Instant.now()));
    }

    private static BlueGreenApprovalService build(Config config) {
        SnsClient sns = AwsClients.build(SnsClient.builder());
        SecretsManagerClient secrets = AwsClients.build(SecretsManagerClient.builder());
        Cached<ApprovalLinks> links = new Cached<>(Duration.ofMinutes(5), Clock.systemUTC(), () -> new ApprovalLinks(
                secrets.getSecretValue(r -> r.secretId(config.linkKeySecret())).secretString().getBytes(StandardCharsets.UTF_8)));
        return new BlueGreenApprovalService(
                new Approvals(AwsClients.build(DynamoDbClient.builder()), config.releasesTable())::open,
                (topic, subject, message) -> sns.publish(r -> r.topicArn(topic).subject(subject).message(message)
                        .messageAttributes(Map.of("workflow", text("blue-green"), "event", text("Preview Ready")))),
                links::get, config);
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
