package dev.kiln.common.launch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link FailedLaunchLedger} in a DynamoDB table keyed by {@code group}. */
public record DynamoFailedLaunchLedger(DynamoDbClient dynamo, String table) implements FailedLaunchLedger {

    @Override
    public Optional<FailedLaunches> read(String group) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(GROUP, AttributeValue.fromS(group)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(from(item));
    }

    @Override
    public boolean write(FailedLaunches next) {
        try {
            dynamo.putItem(r -> {
                r.tableName(table).item(item(next));
                if (next.version() == 1) {
                    r.conditionExpression("attribute_not_exists(#group)").expressionAttributeNames(Map.of("#group", GROUP));
                } else {
                    r.conditionExpression("#version = :read").expressionAttributeNames(Map.of("#version", "version"))
                            .expressionAttributeValues(Map.of(":read", number(next.version() - 1)));
                }
            });
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }

    @Override
    public List<FailedLaunches> suspended(String role) {
        List<FailedLaunches> found = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)
                        .filterExpression("#role = :role AND attribute_exists(" + SUSPENDED_AT + ")")
                        .expressionAttributeNames(Map.of("#role", "role"))
                        .expressionAttributeValues(Map.of(":role", AttributeValue.fromS(role))))
                .items().forEach(item -> found.add(from(item)));
        return found;
    }

    @Override
    public void forget(FailedLaunches read) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of(GROUP, AttributeValue.fromS(read.group())))
                    .conditionExpression("#version = :read").expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":read", number(read.version()))));
        } catch (ConditionalCheckFailedException changed) {
            // written again since: that writer decides
        }
    }

    private static Map<String, AttributeValue> item(FailedLaunches f) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(GROUP, AttributeValue.fromS(f.group()));
        item.put("count", number(f.count()));
        item.put("since", AttributeValue.fromS(f.since().toString()));
        item.put("version", number(f.version()));
        if (!f.executions().isEmpty()) {
            item.put("executions", AttributeValue.fromSs(List.copyOf(f.executions())));
        }
        put(item, "role", f.role());
        put(item, "countFrom", f.countFrom());
        put(item, "release", f.release());
        put(item, "lastFailure", f.lastFailure());
        put(item, "lastExecution", f.lastExecution());
        put(item, SUSPENDED_AT, f.suspendedAt());
        put(item, "suspendedRelease", f.suspendedRelease());
        return item;
    }

    private static FailedLaunches from(Map<String, AttributeValue> item) {
        return new FailedLaunches(
                item.get(GROUP).s(),
                text(item, "role"),
                Integer.parseInt(item.get("count").n()),
                Instant.parse(item.get("since").s()),
                time(item, "countFrom"),
                item.containsKey("executions") ? Set.copyOf(item.get("executions").ss()) : Set.of(),
                text(item, "release"),
                text(item, "lastFailure"),
                text(item, "lastExecution"),
                time(item, SUSPENDED_AT),
                text(item, "suspendedRelease"),
                Long.parseLong(item.get("version").n()));
    }

    private static void put(Map<String, AttributeValue> item, String name, Object value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value.toString()));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }

    private static Instant time(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Instant.parse(item.get(name).s()) : null;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
