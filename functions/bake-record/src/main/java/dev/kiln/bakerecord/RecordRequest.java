package dev.kiln.bakerecord;

import dev.kiln.common.Json;
import dev.kiln.common.MalformedPayloadException;
import java.util.List;

/**
 * What the bake state machine hands bake-record: the parts of its state this function reads (the
 * plan from bake-plan, the resolved parent image, the builder, the new image and the record command).
 */
public record RecordRequest(
        Plan plan,
        ImageRef parent,
        Builder builder,
        ImageRef image,
        ImageState imageState,
        CommandRef record,
        String executionArn) {

    /** Everything but imageState (which DescribeImages may not have given yet) is required. */
    public RecordRequest {
        Json.require(MalformedPayloadException::new, "bake-record's payload", "plan", plan, "parent", parent,
                "builder", builder, "image", image, "record", record, "executionArn", executionArn);
    }

    /** The image as DescribeImages last saw it: its block device mappings name its snapshots. */
    public record ImageState(String state, List<Mapping> mappings) {
    }

    public record Mapping(String DeviceName, Ebs Ebs) {
    }

    public record Ebs(String SnapshotId) {
    }

    public record Plan(String bakeKey, String buildId, String role, String sha, String ref, String reason,
                       String pushedAt, List<Advisory> advisories, Parent parent, Commands commands, Logs logs, String pointer) {
    }

    /** What the bake was built on: {@code role} is the parent role, or null for Amazon Linux. */
    public record Parent(String role) {
    }

    public record Advisory(String id, String releasever) {
    }

    public record Commands(Command record) {
    }

    public record Command(String outputPrefix) {
    }

    public record Logs(String bucket, String uri) {
    }

    public record ImageRef(String imageId) {
    }

    public record Builder(String instanceId, String market) {
    }

    /** The record command's invocation: its id and the output GetCommandInvocation gave (at most 24,000 characters). */
    public record CommandRef(String commandId, String stdout) {
    }
}
