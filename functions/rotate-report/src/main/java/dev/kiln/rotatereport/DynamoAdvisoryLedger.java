package dev.kiln.rotatereport;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link Ports.AdvisoryLedger} in the advisories ledger: the rotation is added to the advisory's
 * {@code patch#<id>} item, which patch created; no item is created for an advisory patch never handled.
 * The same values are written again by a retried report.
 */
record DynamoAdvisoryLedger(DynamoDbClient dynamo, String table) implements Ports.AdvisoryLedger {

    @Override
    public boolean recordRotation(String advisory, Ports.Rotated rotated) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("key", AttributeValue.fromS("patch#" + advisory)))
                    .conditionExpression("attribute_exists(#key)")
                    .updateExpression("SET #rotation = :rotation, #rotatedAt = :rotatedAt, #instancesReplaced = :instancesReplaced,"
                            + " #fleets = :fleets, #rotationSummary = :rotationSummary")
                    .expressionAttributeNames(Map.of("#key", "key", "#rotation", "rotation", "#rotatedAt", "rotatedAt",
                            "#instancesReplaced", "instancesReplaced", "#fleets", "fleets", "#rotationSummary", "rotationSummary"))
                    .expressionAttributeValues(Map.of(":rotation", AttributeValue.fromS(rotated.rotation()),
                            ":rotatedAt", AttributeValue.fromS(rotated.rotatedAt()),
                            ":instancesReplaced", AttributeValue.fromN(Long.toString(rotated.instancesReplaced())),
                            ":fleets", AttributeValue.fromS(rotated.fleets()),
                            ":rotationSummary", AttributeValue.fromS(rotated.summary()))));
            return true;
        } catch (ConditionalCheckFailedException noPatchRecord) {
            return false;
        }
    }
}
