package dev.kiln.distributeregion;

import static dev.kiln.common.distribution.DistributionPatterns.ACCOUNT;
import static dev.kiln.common.distribution.DistributionPatterns.EXTERNAL_ID;
import static dev.kiln.common.distribution.DistributionPatterns.KEY_ALIAS;
import static dev.kiln.common.distribution.DistributionPatterns.ORGANIZATIONAL_UNIT;
import static dev.kiln.common.distribution.DistributionPatterns.REGION;
import static dev.kiln.common.distribution.DistributionPatterns.ROLE_ARN;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.distributeregion.errors.InvalidRegionRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One of distribute's steps in a target region, as every region step sends it: {@code {"action": "copy" | "check" |
 * "finish" | "point", "role", "imageId", "sourceRegion", "copy": <distribute-plan's copy for the region>, "attempt": n,
 * "copied": {"copyImageId", "kmsKeyArn"} or null before the first copy, "target": one of the copy's targets to point,
 * null for the other steps}}.
 *
 * @param copied the copy of this attempt (check, finish, point) or of the attempt before (copy); null before the first
 * @param target point: the target whose pointer is written; null for the other steps
 */
public record RegionRequest(Action action, String role, String imageId, String sourceRegion, Copy copy, int attempt,
                            Copied copied, Target target) {

    public enum Action { COPY, CHECK, FINISH, POINT }

    /**
     * The region's copy as distribute-plan planned it.
     *
     * @param kmsKeyAlias null: the account's default key
     * @param sharedWith  accounts and organizational unit ARNs
     */
    public record Copy(String region, String kmsKeyAlias, List<String> sharedWith) {

        public Copy {
            sharedWith = List.copyOf(sharedWith);
        }

        List<String> accounts() {
            return sharedWith.stream().filter(ACCOUNT.asMatchPredicate()).toList();
        }

        List<String> organizationalUnits() {
            return sharedWith.stream().filter(ORGANIZATIONAL_UNIT.asMatchPredicate()).toList();
        }
    }

    /** @param kmsKeyArn null: the account's default key */
    public record Copied(String copyImageId, String kmsKeyArn) {
    }

    /**
     * One who launches the copy in the region, as distribute-plan planned it.
     *
     * @param principal an account, or an organizational unit's ARN
     * @param pointer   the account's pointer there; null for a unit
     * @param access    a member account's role for the hub; null for the hub's own account and for units
     */
    public record Target(String principal, String pointer, MemberRole access) {
    }

    /** A member stack's role for the hub and the external id it expects. */
    public record MemberRole(String roleArn, String externalId) {
    }

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}");
    private static final Pattern POINTER = Pattern.compile("/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    public static RegionRequest parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidRegionRequestException("the payload must be a JSON object with action, role, imageId,"
                    + " sourceRegion, copy, attempt, copied and target");
        }
        Action action = switch (payload.path("action").asText("")) {
            case "copy" -> Action.COPY;
            case "check" -> Action.CHECK;
            case "finish" -> Action.FINISH;
            case "point" -> Action.POINT;
            default -> throw new InvalidRegionRequestException("action: must be copy, check, finish or point, got "
                    + (payload.has("action") ? payload.get("action").toString() : "nothing"));
        };
        JsonNode copy = payload.get("copy");
        if (copy == null || !copy.isObject()) {
            throw new InvalidRegionRequestException("copy: must be distribute-plan's copy {region, kmsKeyAlias, sharedWith, targets}");
        }
        Copy region = new Copy(text(copy, "copy.region", REGION, "a region name"),
                optional(copy, "copy.kmsKeyAlias", KEY_ALIAS, "a key alias (alias/...)"), sharedWith(copy));
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
        JsonNode targetNode = payload.get("target");
        if (targetNode == null || action != Action.POINT && !targetNode.isNull()) {
            throw new InvalidRegionRequestException("target: must be one of the copy's targets to point, null for the other steps, got "
                    + (targetNode == null ? "nothing" : targetNode.toString()));
        }
        Target target = action == Action.POINT ? target(targetNode) : null;
        return new RegionRequest(action, text(payload, "role", ROLE, "a role name"), text(payload, "imageId", AMI, "an AMI id (ami-...)"),
                text(payload, "sourceRegion", REGION, "a region name"), region, attempt.asInt(), copied, target);
    }

    private static Target target(JsonNode target) {
        if (!target.isObject()) {
            throw new InvalidRegionRequestException("target: point needs one of the copy's targets {principal, pointer, access}, got "
                    + target);
        }
        String principal = target.path("principal").asText("");
        if (!ACCOUNT.matcher(principal).matches() && !ORGANIZATIONAL_UNIT.matcher(principal).matches()) {
            throw new InvalidRegionRequestException("target.principal: must be a 12-digit account or an organizational unit ARN, got "
                    + target.get("principal"));
        }
        JsonNode access = target.get("access");
        MemberRole role = null;
        if (access != null && !access.isNull()) {
            if (!access.isObject()) {
                throw new InvalidRegionRequestException("target.access: must be {roleArn, externalId} or null, got " + access);
            }
            role = new MemberRole(text(access, "target.access.roleArn", ROLE_ARN, "a role ARN (arn:aws:iam::<account>:role/...)"),
                    text(access, "target.access.externalId", EXTERNAL_ID, "an external id"));
        }
        return new Target(principal, optional(target, "target.pointer", POINTER, "an SSM parameter name (/...)"), role);
    }

    private static List<String> sharedWith(JsonNode copy) {
        JsonNode value = copy.get("sharedWith");
        if (value == null || !value.isArray()) {
            throw new InvalidRegionRequestException("copy.sharedWith: must be a list of accounts and organizational unit ARNs");
        }
        List<String> principals = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String principal = value.get(i).asText("");
            if (!ACCOUNT.matcher(principal).matches() && !ORGANIZATIONAL_UNIT.matcher(principal).matches()) {
                throw new InvalidRegionRequestException("copy.sharedWith[" + i + "]: must be a 12-digit account or an"
                        + " organizational unit ARN, got " + value.get(i));
            }
            principals.add(principal);
        }
        return principals;
    }

    private static String optional(JsonNode node, String path, Pattern pattern, String expected) {
        JsonNode value = node.get(path.substring(path.lastIndexOf('.') + 1));
        return value == null || value.isNull() ? null : text(node, path, pattern, expected);
    }

    private static String text(JsonNode node, String path, Pattern pattern, String expected) {
        JsonNode value = node.get(path.substring(path.lastIndexOf('.') + 1));
        if (value == null || !value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidRegionRequestException(path + ": must be " + expected + ", got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asText();
    }
}
