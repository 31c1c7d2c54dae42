package dev.kiln.distributeplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.InputSchema;
import dev.kiln.distributeplan.errors.InvalidDistributionRequestException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * distribute's first step: {@code {"input": <execution input>, "executionArn": <its id>}}. The input is an
 * {@code Image Baked} event's detail ({@code role}, {@code imageId}, {@code published}) or, by hand,
 * {@code {"role": "web"}} (the role's current image) or {@code {"role": "web", "imageId": "ami-..."}}. The hub's
 * account and region are the execution's own.
 *
 * @param imageId   null: the role's current image
 * @param partition the hub's partition ({@code aws}, {@code aws-cn}, ...): its member accounts are in the same one
 */
public record PlanRequest(String role, String imageId, String partition, String hubAccount, String hubRegion) {

    /** What the state machine accepts as input, no more. */
    private static final InputSchema SCHEMA = InputSchema.load("distribute.input.schema.json");
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern EXECUTION = Pattern.compile("arn:(aws[a-z-]*):states:([a-z0-9-]+):([0-9]{12}):execution:.+");

    public static PlanRequest from(JsonNode payload) {
        if (payload == null || !payload.isObject() || !payload.path("input").isObject()) {
            throw new InvalidDistributionRequestException("the payload must be {\"input\": {\"role\", \"imageId\"}, \"executionArn\"}");
        }
        JsonNode input = payload.get("input");
        List<String> problems = SCHEMA.problems(input);
        if (!problems.isEmpty()) {
            throw new InvalidDistributionRequestException("input: does not match " + SCHEMA.where() + ": " + String.join("; ", problems));
        }
        JsonNode role = input.get("role");
        if (role == null || !role.isTextual() || !ROLE.matcher(role.asText()).matches()) {
            throw new InvalidDistributionRequestException("role: must be a role name, got " + (role == null ? "nothing" : role));
        }
        JsonNode image = input.get("imageId");
        if (image != null && !image.isNull() && (!image.isTextual() || !AMI.matcher(image.asText()).matches())) {
            throw new InvalidDistributionRequestException("imageId: must be an AMI id (ami-...), got " + image);
        }
        Matcher execution = EXECUTION.matcher(payload.path("executionArn").asText(""));
        if (!execution.matches()) {
            throw new InvalidDistributionRequestException("executionArn: must be the execution's ARN ($$.Execution.Id), got "
                    + payload.get("executionArn"));
        }
        return new PlanRequest(role.asText(), image == null || image.isNull() ? null : image.asText(), execution.group(1),
                execution.group(3), execution.group(2));
    }
}
