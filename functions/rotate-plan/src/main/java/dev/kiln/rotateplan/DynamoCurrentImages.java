package dev.kiln.rotateplan;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link Ports.CurrentImages} in the bakes table: the publish guard's item {@code current#<role>} and
 * its {@code imageId}, read consistently so that a rotation right after a publish uses the new image.
 */
final class DynamoCurrentImages implements Ports.CurrentImages {

    private final DynamoDbClient dynamo;
    private final String table;

    DynamoCurrentImages(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<String> imageId(String role) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("bakeKey", AttributeValue.fromS("current#" + role)))).item();
        return item == null || !item.containsKey("imageId") ? Optional.empty() : Optional.ofNullable(item.get("imageId").s());
    }
}
