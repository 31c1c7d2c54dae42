package dev.kiln.infra.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Captures the events Kiln puts on its own bus that match a pattern (a test-owned rule and queue). */
final class KilnEvents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs = LocalCloud.client(SqsClient.builder());
    private final EventBridgeClient events = LocalCloud.client(EventBridgeClient.builder());
    private final String bus = LocalCloud.stackOutput("EventBusName");
    private final String rule = "kiln-events-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String queueUrl;
    private final List<JsonNode> received = new ArrayList<>();

    KilnEvents(String pattern) {
        queueUrl = sqs.createQueue(r -> r.queueName(rule)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name(rule).eventBusName(bus).eventPattern(pattern));
        events.putTargets(r -> r.rule(rule).eventBusName(bus).targets(t -> t.id("queue").arn(queueArn)));
    }

    JsonNode await(String what, Predicate<JsonNode> matches) {
        return LocalCloud.await(what, Duration.ofSeconds(60), () -> {
            receiveOnce();
            return received.stream().filter(matches).findFirst();
        });
    }

    /** Keeps receiving for {@code duration}: whatever was on its way has arrived by then. */
    List<JsonNode> receivedFor(Duration duration) {
        java.time.Instant end = java.time.Instant.now().plus(duration);
        while (java.time.Instant.now().isBefore(end)) {
            receiveOnce();
        }
        return List.copyOf(received);
    }

    private void receiveOnce() {
        for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).messages()) {
            try {
                received.add(JSON.readTree(message.body()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
    }

    @Override
    public void close() {
        events.removeTargets(r -> r.rule(rule).eventBusName(bus).ids("queue"));
        events.deleteRule(r -> r.name(rule).eventBusName(bus));
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
    }
}
