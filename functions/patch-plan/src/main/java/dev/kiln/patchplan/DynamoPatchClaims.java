package dev.kiln.patchplan;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link Ports.Claims} in the advisories ledger: item {@code patch#<id>} with the execution that holds
 * it and its state (PATCHING until patch records PATCHED, INCOMPLETE, NOT_AFFECTED or WAITING).
 */
record DynamoPatchClaims(DynamoDbClient dynamo, String table) implements Ports.Claims {

    @Override
    public Optional<Ports.Holder> claim(String advisoryId, String executionArn, Instant now) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(advisoryId, executionArn, now))
                    // a patch that could not patch everything may be run again (by hand, after a fix)
                    .conditionExpression("attribute_not_exists(#key) OR executionArn = :me OR #state = :incomplete")
                    .expressionAttributeNames(Map.of("#key", "key", "#state", "state"))
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(executionArn),
                            ":incomplete", AttributeValue.fromS("INCOMPLETE"))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException held) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("key", AttributeValue.fromS("patch#" + advisoryId)))).item();
            return Optional.of(new Ports.Holder(item.get("executionArn").s(), item.get("state").s()));
        }
    }

    @Override
    public boolean takeOver(String advisoryId, Ports.Holder stopped, String executionArn, Instant now) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(advisoryId, executionArn, now))
                    .conditionExpression("executionArn = :stopped AND #state = :patching")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":stopped", AttributeValue.fromS(stopped.executionArn()),
                            ":patching", AttributeValue.fromS("PATCHING"))));
            return true;
        } catch (ConditionalCheckFailedException quicker) {
            return false;
        }
    }

    private static Map<String, AttributeValue> item(String advisoryId, String executionArn, Instant now) {
        return Map.of("key", AttributeValue.fromS("patch#" + advisoryId),
                "state", AttributeValue.fromS("PATCHING"),
                "executionArn", AttributeValue.fromS(executionArn),
                "startedAt", AttributeValue.fromS(now.toString()));
    }
}
