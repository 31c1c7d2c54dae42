package dev.kiln.common.bluegreen;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one owner of the releases table's {@code approval#<id>} items (a wait of a blue/green release for a
 * person: its task token, what it asks about, whether it was decided) and {@code waiting#<role>} (the wait a
 * role's release is in, for decisions by role). blue-green-approval opens them; blue-green-decide decides.
 */
public record Approvals(DynamoDbClient dynamo, String table) {

    static final String KEY = "releaseKey";
    /** How long a decided or expired approval is kept for people to look at (DynamoDB's TTL removes it then). */
    static final long KEEP_SECONDS = 30L * 24 * 3600;

    /** What a wait is for: an approval of the release, or a rollback within the window after the switch. */
    public enum Kind { APPROVAL, ROLLBACK }

    /** Where a wait is: waiting, or decided one way. */
    public enum State { PENDING, APPROVED, REJECTED, ROLLED_BACK }

    /**
     * @param summary        the release in one line
     * @param changes        what it changes, a line each
     * @param previewAddress the load balancer's address
     * @param decidedBy      who decided (and how), null while pending
     */
    public record Approval(String id, Kind kind, String role, String execution, String token, Instant expiresAt, State state,
                           String summary, List<String> changes, String previewAddress, List<String> previewCidrs,
                           String decidedBy, Instant decidedAt) {

        public Approval {
            changes = List.copyOf(changes);
            previewCidrs = List.copyOf(previewCidrs);
        }
    }

    /**
     * Records a new wait and makes it the role's, unless it is recorded already (the state's invocation retried).
     *
     * @return whether it is new
     */
    public boolean open(Approval approval) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                KEY, s("approval#" + approval.id()), "kind", s(approval.kind().name()), "role", s(approval.role()),
                "execution", s(approval.execution()), "token", s(approval.token()),
                "expiresAt", s(approval.expiresAt().toString()), "state", s(approval.state().name()),
                "summary", s(approval.summary()), "changes", AttributeValue.fromL(approval.changes().stream().map(Approvals::s).toList()),
                "forgetAt", AttributeValue.fromN(String.valueOf(approval.expiresAt().getEpochSecond() + KEEP_SECONDS))));
        item.put("previewAddress", s(approval.previewAddress()));
        item.put("previewCidrs", AttributeValue.fromL(approval.previewCidrs().stream().map(Approvals::s).toList()));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(#key)")
                    .expressionAttributeNames(Map.of("#key", KEY)));
        } catch (ConditionalCheckFailedException recorded) {
            return false;
        }
        dynamo.putItem(r -> r.tableName(table).item(Map.of(KEY, s("waiting#" + approval.role()), "role", s(approval.role()),
                "approvalId", s(approval.id()), "kind", s(approval.kind().name()), "execution", s(approval.execution()),
                "expiresAt", s(approval.expiresAt().toString()))));
        return true;
    }

    public Optional<Approval> get(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(Map.of(KEY, s("approval#" + id)))
                .consistentRead(true)).item();
        if (item == null || !item.containsKey("token")) {
            return Optional.empty();
        }
        return Optional.of(new Approval(id, Kind.valueOf(item.get("kind").s()), item.get("role").s(), item.get("execution").s(),
                item.get("token").s(), Instant.parse(item.get("expiresAt").s()), State.valueOf(item.get("state").s()),
                item.get("summary").s(), texts(item, "changes"), item.containsKey("previewAddress") ? item.get("previewAddress").s() : "",
                texts(item, "previewCidrs"), item.containsKey("decidedBy") ? item.get("decidedBy").s() : null,
                item.containsKey("decidedAt") ? Instant.parse(item.get("decidedAt").s()) : null));
    }

    /** The wait the role's release is in (or was in last): its approval's id. */
    public Optional<String> waiting(String role) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(Map.of(KEY, s("waiting#" + role)))
                .consistentRead(true)).item();
        return item == null || !item.containsKey("approvalId") ? Optional.empty() : Optional.of(item.get("approvalId").s());
    }

    /**
     * Decides a pending wait, once.
     *
     * @return false when it was decided already
     */
    public boolean decide(String id, State state, String by, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(KEY, s("approval#" + id)))
                    .updateExpression("SET #state = :state, decidedBy = :by, decidedAt = :at")
                    .conditionExpression("#state = :pending")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":state", s(state.name()), ":by", s(by), ":at", s(at.toString()),
                            ":pending", s(State.PENDING.name()))));
            return true;
        } catch (ConditionalCheckFailedException decided) {
            return false;
        }
    }

    private static List<String> texts(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).l().stream().map(AttributeValue::s).toList() : List.of();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
