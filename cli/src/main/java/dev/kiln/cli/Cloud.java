package dev.kiln.cli;

import dev.kiln.common.bake.CurrentImages;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the command line asks of AWS (AwsCloud); tests answer with a fake. */
interface Cloud {

    /** The stack's outputs by key; empty when there is no such stack. */
    Optional<Map<String, String>> outputs(String stack);

    /** An SSM parameter's value, if it exists. */
    Optional<String> parameter(String name);

    /** The SSM parameter {@code name} in another region than the CLI's own. */
    Optional<String> parameter(String region, String name);

    /**
     * The SSM parameter {@code name} of a member account in {@code region}, read through the role its member stack made
     * for the hub (docs/distribution.md).
     *
     * @param hubArn an ARN of the hub's (its partition and account say who assumes the role)
     * @throws RuntimeException when the role cannot be assumed or read, with AWS's reason
     */
    Optional<String> memberParameter(String hubArn, String deployment, String account, String region, String name);

    /** distribute's copy of {@code sourceImageId} in {@code region} (an image tagged kiln:source-image with it), if any. */
    Optional<ImageCopy> imageCopy(String region, String sourceImageId);

    record ImageCopy(String imageId, String state) {
    }

    /** Starts an execution of the state machine: its ARN. */
    String start(String stateMachineArn, String name, String input);

    Execution describe(String executionArn);

    /** The execution, if there is one with that ARN. */
    Optional<Execution> find(String executionArn);

    /** The execution's history so far, oldest first. */
    List<Event> history(String executionArn);

    /** A secret's value, if it exists and has one. */
    Optional<String> secret(String id);

    /** The role's current image, as the bakes table (its table) records it. */
    Optional<CurrentImages.Current> currentImage(String bakesTable, String role);

    /** The state machine's most recent executions with that status (RUNNING, FAILED, ...), newest first. */
    List<Execution> executions(String stateMachineArn, String status, int most);

    /** Invokes the function and waits for its answer. */
    Invocation invoke(String functionName, String payload);

    /** The object's user metadata (x-amz-meta-*), if the object exists. */
    Optional<Map<String, String>> objectMetadata(String bucket, String key);

    /** Puts the file as the object, with this user metadata. */
    void upload(String bucket, String key, java.nio.file.Path file, Map<String, String> metadata);

    /**
     * The advisories ledger's records of the advisories Kiln announced ({@code advisory#<release>#<feed id>}, not those
     * a feed's first read only noted) and of their patches ({@code patch#<id>}): every attribute as text, a list's or
     * set's values joined by ", ".
     */
    List<Map<String, String>> ledger(String table);

    /** The security advisories the image's bake applied, as the images table records them. */
    List<String> imageAdvisories(String imagesTable, String imageId);

    /** The names of the Auto Scaling groups tagged kiln:role (Kiln's fleets), in name order. */
    List<String> groupNames();

    /**
     * The groups tagged kiln:role (only those tagged kiln:role=role when it is not null), in name order, with what each
     * launches and runs.
     */
    List<Group> groups(String role);

    /** The group, if it exists and is tagged kiln:role. */
    Optional<Group> group(String name);

    /** Sets the group's tag (not propagated to its instances). */
    void tagGroup(String group, String key, String value);

    /** Removes the group's tag. */
    void untagGroup(String group, String key);

    /** An execution as DescribeExecution tells it: status RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
    record Execution(String arn, String status, String input, String error, String cause, String output, Instant startedAt,
                     Instant stoppedAt) {
        boolean running() {
            return status.equals("RUNNING") || status.equals("PENDING_REDRIVE");
        }
    }

    /**
     * One event of an execution's history: its type (e.g. TaskStateEntered, TaskFailed), the state it is about (for
     * a state entered), when, the error and cause of a failure, and the parameters of a scheduled task.
     */
    record Event(String type, String state, Instant at, String error, String cause, String parameters) {
        boolean entered() {
            return type.endsWith("StateEntered");
        }

        /** A task, Lambda function or activity that failed or timed out. */
        boolean taskFailure() {
            return type.matches("(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed)");
        }
    }

    /**
     * An Auto Scaling group: its tags, the launch template it launches from (null with a launch configuration), the
     * version it asks for as written ($Latest, $Default or a number) and the number that is now, that version's image,
     * and the image of each of its instances.
     */
    record Group(String name, Map<String, String> tags, String launchTemplate, String version, Long versionNumber,
                 String imageId, List<String> instanceImages) {
        public Group {
            tags = Map.copyOf(tags);
            instanceImages = List.copyOf(instanceImages);
        }
    }

    /** A function's answer; {@code failed} when it threw (its payload then says what). */
    record Invocation(boolean failed, String payload) {
    }
}
