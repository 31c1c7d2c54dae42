package dev.kiln.bakerecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@link Ports.ImageStore} in the images table (key {@code imageId}; index {@code role}+{@code createdAt}). */
record DynamoImageStore(DynamoDbClient dynamo, String table) implements Ports.ImageStore {

    @Override
    public void save(ImageRecord record) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "imageId", AttributeValue.fromS(record.imageId()),
                "role", AttributeValue.fromS(record.role()),
                "sha", AttributeValue.fromS(record.sha()),
                "buildId", AttributeValue.fromS(record.buildId()),
                "parentImageId", AttributeValue.fromS(record.parentImageId()),
                "reason", AttributeValue.fromS(record.reason()),
                "createdAt", AttributeValue.fromS(record.createdAt().toString()),
                "manifest", AttributeValue.fromS(record.manifestUri()),
                "packages", AttributeValue.fromM(record.packages().entrySet().stream().collect(
                        Collectors.toMap(Map.Entry::getKey, e -> AttributeValue.fromS(e.getValue()))))));
        item.put("advisories", AttributeValue.fromL(record.advisories().stream().map(AttributeValue::fromS).toList()));
        if (!record.sources().isEmpty()) {
            item.put("sources", AttributeValue.fromSs(List.copyOf(record.sources())));
        }
        dynamo.putItem(r -> r.tableName(table).item(item));
    }
}
