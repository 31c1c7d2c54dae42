package dev.kiln.bakeplan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.common.workflow.Poll;
import java.util.List;
import java.util.Map;

/**
 * Everything the bake state machine needs after its first state, in the shapes its service
 * integrations take (EC2 and SSM request fields keep the API's own names and casing).
 *
 * @param duplicate   true when another execution already holds this bake; the state machine then ends
 * @param duplicateOf that execution
 * @param advisories  every advisory the bake applies: its input's, and the role's open ones it carries
 * @param carried     the role's open advisories ({@code advisories#<role>} entries) it carries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Plan(
        boolean duplicate,
        String duplicateOf,
        String bakeKey,
        String buildId,
        String role,
        String sha,
        String ref,
        String reason,
        String pushedAt,
        boolean keepOnFailure,
        int keepOnFailureHours,
        List<BakeInput.Advisory> advisories,
        List<String> carried,
        ParentImage parent,
        Bundle source,
        Builder builder,
        Commands commands,
        Logs logs,
        Polls polls,
        Image image,
        String pointer,
        String eventBus) {

    public static Plan duplicateOf(String executionArn, String bakeKey, String role, String sha) {
        return new Plan(true, executionArn, bakeKey, null, role, sha, null, null, null, false, 0, null, List.of(), null,
                null, null, null, null, null, null, null, null);
    }

    /** The SSM parameter naming the image to build on, and what it is: the parent role's (named) or Amazon Linux's. */
    public record ParentImage(String parameter, String kind, String role, String description) {
    }

    public record Bundle(String bucket, String key, String uri) {
    }

    /**
     * How to launch the builder (RunInstances fields): spot first, on demand when there is no spot capacity.
     * The instance that runs the server tests is launched so too, from the new image, with its own tags
     * ({@code testerTagSpecifications}: a build's, named kiln-tester-&lt;role&gt;).
     */
    public record Builder(
            String instanceType,
            String onDemandInstanceType,
            String subnetId,
            List<String> securityGroupIds,
            String instanceProfileArn,
            List<BlockDevice> blockDeviceMappings,
            List<TagSpecification> tagSpecifications,
            List<TagSpecification> testerTagSpecifications) {
    }

    public record BlockDevice(String DeviceName, Ebs Ebs) {
    }

    public record Ebs(int VolumeSize, String VolumeType, boolean Encrypted, boolean DeleteOnTermination) {
    }

    public record TagSpecification(String ResourceType, List<Tag> Tags) {
    }

    public record Tag(String Key, String Value) {
    }

    public record Commands(Command provision, Command tests, Command record) {
    }

    /**
     * One Run Command invocation: {@code parameters} is AWS-RunShellScript's (commands, executionTimeout).
     */
    public record Command(String step, Map<String, List<String>> parameters, String outputPrefix, String failure) {
    }

    public record Logs(String bucket, String prefix, String uri) {
    }

    /**
     * How each wait asks: for the builder and the instance that tests the image in Systems Manager, for
     * each command, for the stopped builder, for the image. Each has a budget of {@link #MAX_CHECKS} asks,
     * so seven waits never outgrow one execution's history however long their timeouts.
     */
    public record Polls(Poll ssm, Poll command, Poll stop, Poll image) {
        public static final int MAX_CHECKS = 200;
    }

    public record Image(String name, String description, List<TagSpecification> tagSpecifications) {
    }
}
