package dev.kiln.bluegreenplan;

import dev.kiln.bluegreenplan.Ports.Holder;
import dev.kiln.bluegreenplan.Ports.Live;
import dev.kiln.common.release.Release;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The releases table's {@code release#<role>} (which release holds the role: blue-green-plan claims it, the
 * state machine lets it go) and {@code live#<role>} (what the live colour runs: the state machine records it
 * at the switch).
 */
record DynamoReleases(DynamoDbClient dynamo, String table) implements Ports.Releases {

    static final String KEY = "releaseKey";

    @Override
    public Optional<Holder> holder(String role) {
        Map<String, AttributeValue> item = get("release#" + role);
        return item == null || !item.containsKey("execution") ? Optional.empty() : Optional.of(new Holder(item.get("execution").s(),
                item.get("imageId").s(), text(item, "version"), Instant.parse(item.get("startedAt").s())));
    }

    @Override
    public boolean claim(String role, Holder mine, Optional<Holder> replacing) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(KEY, AttributeValue.fromS("release#" + role),
                "role", AttributeValue.fromS(role), "execution", AttributeValue.fromS(mine.executionArn()),
                "imageId", AttributeValue.fromS(mine.imageId()), "startedAt", AttributeValue.fromS(mine.startedAt().toString())));
        if (mine.version() != null) {
            item.put("version", AttributeValue.fromS(mine.version()));
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":me", AttributeValue.fromS(mine.executionArn())));
        replacing.ifPresent(ended -> values.put(":ended", AttributeValue.fromS(ended.executionArn())));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression(replacing.isPresent() ? "execution = :ended OR execution = :me"
                            : "attribute_not_exists(execution) OR execution = :me")
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    @Override
    public Optional<Live> live(String role) {
        Map<String, AttributeValue> item = get("live#" + role);
        if (item == null || !item.containsKey("colour")) {
            return Optional.empty();
        }
        String release = item.containsKey("release") ? item.get("release").s() : "";
        return Optional.of(new Live(item.get("colour").s(), item.get("imageId").s(), item.get("sha").s(), release,
                release.isEmpty() ? null : Release.parse(release).version()));
    }

    private Map<String, AttributeValue> get(String key) {
        return dynamo.getItem(r -> r.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key))).consistentRead(true)).item();
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null || value.s().isEmpty() ? null : value.s();
    }
}
