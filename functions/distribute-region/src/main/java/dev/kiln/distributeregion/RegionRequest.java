package dev.kiln.distributeregion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.distributeregion.errors.InvalidRegionRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One of distribute's steps in a target region, as every region step sends it: {@code {"action": "copy" | "check" |
 * "finish", "role", "imageId", "sourceRegion", "copy": <distribute-plan's copy for the region>, "attempt": n,
 * "copied": {"copyImageId", "kmsKeyArn"} or null before the first copy}}.
 *
 * @param copied the copy of this attempt (check, finish) or of the attempt before (copy); null before the first
 */
public record RegionRequest(Action action, String role, String imageId, String sourceRegion, Target copy, int attempt,
                            Copied copied) {

    public enum Action { COPY, CHECK, FINISH }

    /**
     * The region's copy as distribute-plan planned it.
     *
     * @param kmsKeyAlias null: the account's default key
     * @param sharedWith  accounts and organizational unit ARNs
     * @param pointer     the hub account's pointer in the region, or null
     */
    public record Target(String region, String kmsKeyAlias, List<String> sharedWith, String pointer) {

        public Target {
            sharedWith = List.copyOf(sharedWith);
        }

        List<String> accounts() {
            return sharedWith.stream().filter(ACCOUNT.asMatchPredicate()).toList();
        }

        List<String> organizationalUnits() {
            return sharedWith.stream().filter(UNIT.asMatchPredicate()).toList();
        }
    }

    /** @param kmsKeyArn null: the account's default key */
    public record Copied(String copyImageId, String kmsKeyArn) {
    }

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[1-9][0-9]?");
    private static final Pattern KEY_ALIAS = Pattern.compile("alias/[A-Za-z0-9/_-]{1,250}");
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern UNIT = Pattern.compile(
            "arn:aws[a-z-]*:organizations::[0-9]{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}");
    private static final Pattern POINTER = Pattern.compile("/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    public static RegionRequest parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidRegionRequestException("the payload must be a JSON object with action, role, imageId,"
                    + " sourceRegion, copy, attempt and copied");
        }
        Action action = switch (payload.path("action").asText("")) {
            case "copy" -> Action.COPY;
            case "check" -> Action.CHECK;
            case "finish" -> Action.FINISH;
            default -> throw new InvalidRegionRequestException("action: must be copy, check or finish, got "
                    + (payload.has("action") ? payload.get("action").toString() : "nothing"));
        };
        JsonNode copy = payload.get("copy");
        if (copy == null || !copy.isObject()) {
            throw new InvalidRegionRequestException("copy: must be distribute-plan's copy {region, kmsKeyAlias, sharedWith, pointer}");
        }
        Target target = new Target(text(copy, "copy.region", REGION, "a region name"),
                optional(copy, "copy.kmsKeyAlias", KEY_ALIAS, "a key alias (alias/...)"), sharedWith(copy),
                optional(copy, "copy.pointer", POINTER, "an SSM parameter name (/...)"));
        JsonNode attempt = payload.get("attempt");
        if (attempt == null || !attempt.isInt() || attempt.asInt() < 1 || attempt.asInt() > 100) {
            throw new InvalidRegionRequestException("attempt: must be a whole number from 1 to 100, got "
                    + (attempt == null ? "nothing" : attempt.toString()));
        }
        JsonNode copiedNode = payload.get("copied");
        if (copiedNode == null || !copiedNode.isNull() && !copiedNode.isObject()) {
            throw new InvalidRegionRequestException("copied: must be {copyImageId, kmsKeyArn}, or null before the first copy, got "
                    + (copiedNode == null ? "nothing" : copiedNode.toString()));
        }
        Copied copied = copiedNode.isNull() ? null : new Copied(text(copiedNode, "copied.copyImageId", AMI, "an AMI id (ami-...)"),
                optional(copiedNode, "copied.kmsKeyArn", KEY_ARN, "a key ARN (arn:aws:kms:...)"));
        if (copied == null && action != Action.COPY) {
            throw new InvalidRegionRequestException("copied: " + action.name().toLowerCase() + " needs the copy, got null");
        }
        return new RegionRequest(action, text(payload, "role", ROLE, "a role name"), text(payload, "imageId", AMI, "an AMI id (ami-...)"),
                text(payload, "sourceRegion", REGION, "a region name"), target, attempt.asInt(), copied);
    }

    private static List<String> sharedWith(JsonNode copy) {
        JsonNode value = copy.get("sharedWith");
        if (value == null || !value.isArray()) {
            throw new InvalidRegionRequestException("copy.sharedWith: must be a list of accounts and organizational unit ARNs");
        }
        List<String> principals = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String principal = value.get(i).asText("");
            if (!ACCOUNT.matcher(principal).matches() && !UNIT.matcher(principal).matches()) {
                throw new InvalidRegionRequestException("copy.sharedWith[" + i + "]: must be a 12-digit account or an"
                        + " organizational unit ARN, got " + value.get(i));
            }
            principals.add(principal);
        }
        return principals;
    }

    private static String optional(JsonNode node, String path, Pattern pattern, String expected) {
        JsonNode value = node.get(path.substring(path.indexOf('.') + 1));
        return value == null || value.isNull() ? null : text(node, path, pattern, expected);
    }

    private static String text(JsonNode node, String path, Pattern pattern, String expected) {
        JsonNode value = node.get(path.substring(path.indexOf('.') + 1));
        if (value == null || !value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidRegionRequestException(path + ": must be " + expected + ", got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asText();
    }
}
