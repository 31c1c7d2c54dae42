package dev.kiln.rotatereport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link Ports.Outcomes} in the rotations table: every item of the rotation, all pages, read
 * consistently so that the last group's outcome, written just before, is not missed.
 */
record DynamoOutcomes(DynamoDbClient dynamo, String table) implements Ports.Outcomes {

    @Override
    public List<Ports.Recorded> of(String rotation) {
        List<Ports.Recorded> recorded = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("#rotation = :rotation")
                    .expressionAttributeNames(Map.of("#rotation", "rotation"))
                    .expressionAttributeValues(Map.of(":rotation", AttributeValue.fromS(rotation)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(request.build());
            for (Map<String, AttributeValue> item : page.items()) {
                recorded.add(new Ports.Recorded(item.get("asg").s(), text(item, "outcome"), text(item, "recordedAt")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return recorded;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
