package dev.kiln.common.bake;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link BakeLedger} in a DynamoDB table keyed by {@code bakeKey}. */
public record DynamoBakeLedger(DynamoDbClient dynamo, String table) implements BakeLedger {

    @Override
    public Optional<Entry> claim(Entry entry, ExecutionStatus executions) {
        Map<String, AttributeValue> item = item(entry);
        try {
            // free, failed before, or already ours (a retried step of the same execution)
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(bakeKey) OR #status = :failed OR executionArn = :me")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":failed", AttributeValue.fromS(Status.FAILED.name()),
                            ":me", AttributeValue.fromS(entry.executionArn()))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException held) {
            Entry holder = read(entry.bakeKey()).orElseThrow(() -> held);
            if (holder.status() != Status.RUNNING || executions.isRunning(holder.executionArn())) {
                return Optional.of(holder);
            }
            // the holder's execution ended without recording it (aborted): take over, unless someone else just did
            try {
                dynamo.putItem(r -> r.tableName(table).item(item)
                        .conditionExpression("executionArn = :holder")
                        .expressionAttributeValues(Map.of(":holder", AttributeValue.fromS(holder.executionArn()))));
                return Optional.empty();
            } catch (ConditionalCheckFailedException raced) {
                return read(entry.bakeKey());
            }
        }
    }

    @Override
    public void finish(String bakeKey, String executionArn, Status status, Optional<String> imageId, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":status", AttributeValue.fromS(status.name()),
                ":at", AttributeValue.fromS(at.toString()),
                ":me", AttributeValue.fromS(executionArn)));
        String update = "SET #status = :status, finishedAt = :at";
        if (imageId.isPresent()) {
            values.put(":image", AttributeValue.fromS(imageId.get()));
            update += ", imageId = :image";
        }
        String expression = update;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("bakeKey", AttributeValue.fromS(bakeKey)))
                    .updateExpression(expression)
                    .conditionExpression("executionArn = :me")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // another execution has taken the bake over since; its record stands
        }
    }

    @Override
    public Optional<String> currentImage(String role) {
        return new CurrentImages(dynamo, table).of(role).map(CurrentImages.Current::imageId);
    }

    private Optional<Entry> read(String bakeKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("bakeKey", AttributeValue.fromS(bakeKey)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(
                item.get("bakeKey").s(),
                item.get("executionArn").s(),
                Status.valueOf(item.get("status").s()),
                item.get("role").s(),
                item.get("sha").s(),
                Instant.parse(item.get("startedAt").s()),
                Optional.ofNullable(item.get("imageId")).map(AttributeValue::s)));
    }

    private static Map<String, AttributeValue> item(Entry entry) {
        return Map.of(
                "bakeKey", AttributeValue.fromS(entry.bakeKey()),
                "executionArn", AttributeValue.fromS(entry.executionArn()),
                "status", AttributeValue.fromS(entry.status().name()),
                "role", AttributeValue.fromS(entry.role()),
                "sha", AttributeValue.fromS(entry.sha()),
                "startedAt", AttributeValue.fromS(entry.startedAt().toString()));
    }
}
