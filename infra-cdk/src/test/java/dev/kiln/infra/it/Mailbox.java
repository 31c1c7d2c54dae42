package dev.kiln.infra.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A queue subscribed to Kiln's notification topic, as a person's mailbox would be: every SNS
 * envelope received is kept, so tests can also assert what did not arrive.
 */
final class Mailbox implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs = LocalCloud.client(SqsClient.builder());
    private final SnsClient sns = LocalCloud.client(SnsClient.builder());
    private final String queueUrl;
    private final String subscriptionArn;
    private final List<JsonNode> received = new ArrayList<>();

    Mailbox() {
        queueUrl = sqs.createQueue(r -> r.queueName("kiln-mailbox-it-" + UUID.randomUUID())).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        subscriptionArn = sns.subscribe(r -> r.topicArn(LocalCloud.stackOutput("NotificationTopicArn"))
                .protocol("sqs").endpoint(queueArn).returnSubscriptionArn(true)).subscriptionArn();
    }

    /** The first notification whose subject or message satisfies {@code about}, waiting for it. */
    JsonNode await(String what, Duration deadline, Predicate<JsonNode> about) {
        return LocalCloud.await(what, deadline, () -> {
            receiveOnce();
            return received.stream().filter(about).findFirst();
        });
    }

    /** The notification whose subject names {@code execution} (Kiln's subjects end with the execution's name). */
    JsonNode awaitAbout(String execution) {
        return await("a notification about " + execution, Duration.ofSeconds(90),
                n -> n.get("Subject").asText().endsWith(execution));
    }

    /** Keeps receiving for {@code duration}: whatever was on its way has arrived by then. */
    List<JsonNode> drainFor(Duration duration) {
        Instant end = Instant.now().plus(duration);
        while (Instant.now().isBefore(end)) {
            receiveOnce();
        }
        return List.copyOf(received);
    }

    List<JsonNode> received() {
        return List.copyOf(received);
    }

    private void receiveOnce() {
        for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages()) {
            try {
                received.add(JSON.readTree(message.body()));
            } catch (Exception e) {
                throw new IllegalStateException("not an SNS envelope: " + message.body(), e);
            }
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
    }

    @Override
    public void close() {
        sns.unsubscribe(r -> r.subscriptionArn(subscriptionArn));
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
    }

    static Optional<String> subject(JsonNode notification) {
        return Optional.ofNullable(notification.get("Subject")).map(JsonNode::asText);
    }
}
