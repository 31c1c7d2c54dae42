package dev.kiln.advisoryfeed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link Ports.Ledger} in one DynamoDB table keyed by {@code key}: {@code feed#2023} holds a feed's
 * validators and since when it is watched; {@code advisory#2023#ALAS-2023-126} an advisory's state.
 * Advisories are kept for good (a feed lists each for years).
 */
record DynamoLedger(DynamoDbClient dynamo, String table) implements Ports.Ledger {

    @Override
    public Optional<Ports.FeedState> feed(AmazonLinux feed) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("key", AttributeValue.fromS("feed#" + feed.version())))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Optional<Ports.Validators> validators = item.containsKey("etag") || item.containsKey("lastModified")
                ? Optional.of(new Ports.Validators(text(item, "etag"), text(item, "lastModified")))
                : Optional.empty();
        return Optional.of(new Ports.FeedState(validators,
                Optional.ofNullable(text(item, "watchedSince")).map(Instant::parse)));
    }

    @Override
    public void saveFeed(AmazonLinux feed, Ports.FeedState state) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("key", AttributeValue.fromS("feed#" + feed.version()));
        state.validators().ifPresent(v -> {
            if (v.etag() != null) {
                item.put("etag", AttributeValue.fromS(v.etag()));
            }
            if (v.lastModified() != null) {
                item.put("lastModified", AttributeValue.fromS(v.lastModified()));
            }
        });
        state.watchedSince().ifPresent(since -> item.put("watchedSince", AttributeValue.fromS(since.toString())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Map<String, Ports.AdvisoryState> states(Collection<String> keys) {
        Map<String, Ports.AdvisoryState> known = new HashMap<>();
        List<String> all = new ArrayList<>(keys.stream().distinct().toList());
        for (int from = 0; from < all.size(); from += 100) {
            List<Map<String, AttributeValue>> batch = all.subList(from, Math.min(all.size(), from + 100)).stream()
                    .map(k -> Map.of("key", AttributeValue.fromS("advisory#" + k))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(batch).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                var response = dynamo.batchGetItem(r -> r.requestItems(asked));
                response.responses().getOrDefault(table, List.of()).forEach(item -> known.put(
                        item.get("key").s().substring("advisory#".length()), Ports.AdvisoryState.valueOf(item.get("state").s())));
                request = response.unprocessedKeys();
            }
        }
        return known;
    }

    @Override
    public void baseline(Collection<String> keys, Instant now) {
        List<String> all = new ArrayList<>(keys.stream().distinct().toList());
        for (int from = 0; from < all.size(); from += 25) {
            List<WriteRequest> writes = all.subList(from, Math.min(all.size(), from + 25)).stream()
                    .map(k -> WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                            "key", AttributeValue.fromS("advisory#" + k),
                            "state", AttributeValue.fromS(Ports.AdvisoryState.BASELINE.name()),
                            "firstSeenAt", AttributeValue.fromS(now.toString()))).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> request = Map.of(table, writes);
            while (!request.isEmpty()) {
                Map<String, List<WriteRequest>> asked = request;
                request = dynamo.batchWriteItem(r -> r.requestItems(asked)).unprocessedItems();
            }
        }
    }

    @Override
    public void claim(String key, Instant now) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "key", AttributeValue.fromS("advisory#" + key),
                            "state", AttributeValue.fromS(Ports.AdvisoryState.PENDING.name()),
                            "firstSeenAt", AttributeValue.fromS(now.toString())))
                    .conditionExpression("attribute_not_exists(#key)")
                    .expressionAttributeNames(Map.of("#key", "key")));
        } catch (ConditionalCheckFailedException known) {
            // claimed by an earlier read that stopped before recording it: announcing is idempotent
        }
    }

    @Override
    public void announced(String key, String id, Instant now) {
        dynamo.updateItem(r -> r.tableName(table)
                .key(Map.of("key", AttributeValue.fromS("advisory#" + key)))
                .updateExpression("SET #state = :announced, announcedAt = :now, advisoryId = :id")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(
                        ":announced", AttributeValue.fromS(Ports.AdvisoryState.ANNOUNCED.name()),
                        ":now", AttributeValue.fromS(now.toString()),
                        ":id", AttributeValue.fromS(id))));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
