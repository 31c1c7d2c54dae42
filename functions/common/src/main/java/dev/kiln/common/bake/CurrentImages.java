package dev.kiln.common.bake;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one owner of the bakes table's item {@code current#<role>}: the image a role's pointer names, the
 * commit it was baked from and when that commit was pushed. bake-record admits a new image (an older
 * push never replaces a newer one); the other functions read it, consistently, so that a step right
 * after a publish sees the new image.
 */
public record CurrentImages(DynamoDbClient dynamo, String table) {

    /** A role's current image. */
    public record Current(String imageId, String sha, Instant pushedAt) {
    }

    /** {@code role}'s current image, if one was ever published. */
    public Optional<Current> of(String role) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(role)).consistentRead(true)).item();
        return item == null || !item.containsKey("imageId") ? Optional.empty() : Optional.of(current(item));
    }

    /**
     * Makes {@code candidate} {@code role}'s current image unless the current one comes from a later push.
     *
     * @return empty when admitted, else the current image that stays
     */
    public Optional<Current> admit(String role, Current candidate) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(role))
                    .updateExpression("SET pushedAt = :pushedAt, imageId = :imageId, sha = :sha")
                    .conditionExpression("attribute_not_exists(pushedAt) OR pushedAt <= :pushedAt")
                    .expressionAttributeValues(Map.of(
                            ":pushedAt", AttributeValue.fromS(candidate.pushedAt().toString()),
                            ":imageId", AttributeValue.fromS(candidate.imageId()),
                            ":sha", AttributeValue.fromS(candidate.sha()))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException newer) {
            return of(role);
        }
    }

    private static Map<String, AttributeValue> key(String role) {
        return Map.of("bakeKey", AttributeValue.fromS("current#" + role));
    }

    private static Current current(Map<String, AttributeValue> item) {
        return new Current(item.get("imageId").s(), item.get("sha").s(), Instant.parse(item.get("pushedAt").s()));
    }
}
