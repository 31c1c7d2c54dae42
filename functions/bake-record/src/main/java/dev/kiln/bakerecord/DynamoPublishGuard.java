package dev.kiln.bakerecord;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link Ports.PublishGuard} as the item {@code current#<role>} of the bakes table. */
final class DynamoPublishGuard implements Ports.PublishGuard, Ports.CurrentImages {

    private final DynamoDbClient dynamo;
    private final String table;

    DynamoPublishGuard(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<String> imageOf(String role) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role))).consistentRead(true)).item();
        return item == null || !item.containsKey("imageId") ? Optional.empty() : Optional.of(item.get("imageId").s());
    }

    @Override
    public Optional<Ports.Published> admit(String role, Ports.Published candidate) {
        Map<String, AttributeValue> key = Map.of("bakeKey", AttributeValue.fromS("current#" + role));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("SET pushedAt = :pushedAt, imageId = :imageId, sha = :sha")
                    .conditionExpression("attribute_not_exists(pushedAt) OR pushedAt <= :pushedAt")
                    .expressionAttributeValues(Map.of(
                            ":pushedAt", AttributeValue.fromS(candidate.pushedAt().toString()),
                            ":imageId", AttributeValue.fromS(candidate.imageId()),
                            ":sha", AttributeValue.fromS(candidate.sha()))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException newer) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
            return Optional.of(new Ports.Published(item.get("imageId").s(), item.get("sha").s(),
                    Instant.parse(item.get("pushedAt").s())));
        }
    }
}
