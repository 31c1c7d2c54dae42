package dev.kiln.githubwebhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link Ports.Deliveries} in a DynamoDB table keyed by {@code deliveryId}. Records expire after
 * {@link #KEEP} (the table's TTL attribute {@code expiresAt}), longer than GitHub offers redeliveries.
 */
record DynamoDeliveries(DynamoDbClient dynamo, String table) implements Ports.Deliveries {

    static final Duration KEEP = Duration.ofDays(30);
    /** A claim older than this was left by a request that died; the delivery is handled afresh. */
    static final Duration ABANDONED = Duration.ofSeconds(60);

    @Override
    public Optional<Ports.Answer> claim(String deliveryId, Instant now) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "deliveryId", AttributeValue.fromS(deliveryId),
                            "state", AttributeValue.fromS("HANDLING"),
                            "claimedAt", AttributeValue.fromN(String.valueOf(now.getEpochSecond())),
                            "expiresAt", AttributeValue.fromN(String.valueOf(now.plus(KEEP).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(deliveryId) OR (#state = :handling AND claimedAt < :abandoned)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(
                            ":handling", AttributeValue.fromS("HANDLING"),
                            ":abandoned", AttributeValue.fromN(String.valueOf(now.minus(ABANDONED).getEpochSecond())))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException seen) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("deliveryId", AttributeValue.fromS(deliveryId)))).item();
            if (item != null && "ANSWERED".equals(item.get("state").s())) {
                return Optional.of(new Ports.Answer(Integer.parseInt(item.get("status").n()), item.get("body").s()));
            }
            return Optional.of(new Ports.Answer(409,
                    "{\"error\":\"this delivery is being handled right now; redeliver it in a minute if it fails\"}"));
        }
    }

    @Override
    public void finish(String deliveryId, Ports.Answer answer, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(
                "deliveryId", AttributeValue.fromS(deliveryId),
                "state", AttributeValue.fromS("ANSWERED"),
                "status", AttributeValue.fromN(String.valueOf(answer.status())),
                "body", AttributeValue.fromS(answer.body()),
                "expiresAt", AttributeValue.fromN(String.valueOf(now.plus(KEEP).getEpochSecond())))));
    }

    @Override
    public void release(String deliveryId) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("deliveryId", AttributeValue.fromS(deliveryId))));
    }
}
