package dev.kiln.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import java.util.Map;

/**
 * Renders a synthesized value the way CloudFormation would in the local cloud's account and region:
 * {@code Ref} to a pseudo parameter, and {@code Fn::Join} of plain parts, become plain strings; joins
 * that refer to resources stay as they are. Used to match a rule's rendered event pattern against
 * sample events, and to read policies.
 */
public final class CloudFormationValues {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> PSEUDO = Map.of(
            "AWS::Partition", "aws",
            "AWS::Region", "us-east-1",
            "AWS::AccountId", "000000000000",
            "AWS::URLSuffix", "amazonaws.com");

    private CloudFormationValues() {
    }

    /** The statements of the policy attached to the role whose logical id matches {@code rolePattern}, rendered. */
    public static String policyOf(Template template, String rolePattern) {
        Capture statements = new Capture();
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(rolePattern))),
                "PolicyDocument", Map.of("Statement", statements, "Version", "2012-10-17")));
        return render(statements.asArray()).toString();
    }

    public static JsonNode render(Object synthesized) {
        return render(JSON.valueToTree(synthesized));
    }

    public static JsonNode render(JsonNode node) {
        if (node.isObject() && node.size() == 1 && node.has("Ref") && PSEUDO.containsKey(node.get("Ref").asText())) {
            return TextNode.valueOf(PSEUDO.get(node.get("Ref").asText()));
        }
        if (node.isObject() && node.size() == 1 && node.has("Fn::Join")) {
            String delimiter = node.get("Fn::Join").get(0).asText();
            StringBuilder joined = new StringBuilder();
            for (Iterator<JsonNode> parts = node.get("Fn::Join").get(1).elements(); parts.hasNext(); ) {
                JsonNode part = render(parts.next());
                if (!part.isTextual()) {
                    // refers to a resource: only CloudFormation knows the value, so leave the join as it is
                    return node;
                }
                joined.append(part.asText()).append(parts.hasNext() ? delimiter : "");
            }
            return TextNode.valueOf(joined.toString());
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), render(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.elements().forEachRemaining(element -> copy.add(render(element)));
            return copy;
        }
        return node;
    }
}
