package dev.kiln.common.bluegreen;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The releases table's {@code colour#<role>#<colour>}: the release a blue/green release pinned on a colour (the
 * blue-green state machine's PinRelease writes it), which that colour's launches deploy whatever the role's
 * release becomes meanwhile. Read here, by lifecycle-plan.
 */
public record ColourReleases(DynamoDbClient dynamo, String table) {

    /**
     * The release pinned on the colour, as its JSON (empty when the release pinned none); empty when no release
     * ever pinned one (the colour deploys the role's release).
     */
    public Optional<String> pinned(String role, String colour) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of("releaseKey", AttributeValue.fromS("colour#" + role + "#" + colour))).consistentRead(true)).item();
        return item == null || !item.containsKey("release") ? Optional.empty() : Optional.of(item.get("release").s());
    }
}
