package dev.kiln.lifecycleplan;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link Ports.Actions} in a DynamoDB table keyed by {@code token}; records expire (TTL {@code expiresAt})
 * after {@link #KEEP}, longer than any lifecycle action lives (48 hours at most).
 */
record DynamoActions(DynamoDbClient dynamo, String table) implements Ports.Actions {

    static final Duration KEEP = Duration.ofDays(7);

    @Override
    public Optional<String> claim(String token, String instanceId, String executionArn, Instant now) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "token", AttributeValue.fromS(token),
                            "instanceId", AttributeValue.fromS(instanceId),
                            "execution", AttributeValue.fromS(executionArn),
                            "claimedAt", AttributeValue.fromS(now.toString()),
                            "expiresAt", AttributeValue.fromN(String.valueOf(now.plus(KEEP).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(#token) OR execution = :me")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(executionArn))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException held) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("token", AttributeValue.fromS(token)))).item();
            return Optional.of(item == null || !item.containsKey("execution") ? "another execution" : item.get("execution").s());
        }
    }
}
