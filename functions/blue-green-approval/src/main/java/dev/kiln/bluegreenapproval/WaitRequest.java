package dev.kiln.bluegreenapproval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreenapproval.errors.InvalidApprovalPayloadException;
import dev.kiln.common.Json;
import dev.kiln.common.bluegreen.Approvals.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * blue-green-approval's payload: {@code {"token": $$.Task.Token, "kind": "approval"|"rollback", "execution": <ARN>,
 * "plan": <blue-green-plan's answer>, "timeoutSeconds": <the wait's>}}; of the plan it reads
 * the role, summary, changes, preview address and CIDRs, and the approvers' topic.
 *
 * @param topicArn the approvers' topic, null for Kiln's
 */
record WaitRequest(String token, Kind kind, String execution, String role, String summary, List<String> changes,
                   String previewAddress, List<String> previewCidrs, String topicArn, int timeoutSeconds) {

    static WaitRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidApprovalPayloadException("the payload must be {\"token\", \"kind\", \"execution\", \"plan\", \"timeoutSeconds\"}");
        }
        JsonNode plan = payload.path("plan");
        Json.require(InvalidApprovalPayloadException::new, "the payload", "token", payload.get("token"), "kind", payload.get("kind"),
                "execution", payload.get("execution"), "plan", payload.get("plan"), "timeoutSeconds", payload.get("timeoutSeconds"));
        Json.require(InvalidApprovalPayloadException::new, "the plan", "role", plan.get("role"), "summary", plan.get("summary"),
                "changes", plan.get("changes"), "previewAddress", plan.get("previewAddress"), "previewCidrs", plan.get("previewCidrs"));
        Kind kind = switch (payload.get("kind").asText()) {
            case "approval" -> Kind.APPROVAL;
            case "rollback" -> Kind.ROLLBACK;
            default -> throw new InvalidApprovalPayloadException("kind: must be approval or rollback, got " + payload.get("kind"));
        };
        if (!payload.get("timeoutSeconds").canConvertToInt() || payload.get("timeoutSeconds").asInt() < 1) {
            throw new InvalidApprovalPayloadException("timeoutSeconds: must be a number of seconds, got " + payload.get("timeoutSeconds"));
        }
        JsonNode topic = plan.path("approval").path("topicArn");
        return new WaitRequest(payload.get("token").asText(), kind, payload.get("execution").asText(), plan.get("role").asText(),
                plan.get("summary").asText(), texts(plan.get("changes")), plan.get("previewAddress").asText(),
                texts(plan.get("previewCidrs")), topic.isTextual() ? topic.asText() : null, payload.get("timeoutSeconds").asInt());
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        node.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
