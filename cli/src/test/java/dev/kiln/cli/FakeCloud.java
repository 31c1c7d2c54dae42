package dev.kiln.cli;

import dev.kiln.common.bake.CurrentImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deployed Kiln as the command line sees it: the stack's outputs, the example configuration (examples/kiln.json)
 * in its parameter, executions that go through the states a test scripts, and a decide function whose answer a
 * test gives.
 */
final class FakeCloud implements Cloud {

    static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-blue-green";
    static final Instant START = Instant.parse("2026-12-07T03:00:00Z");

    static final String BAKE = "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-bake";
    static final String ROTATE = "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-rotate";
    static final String ANNOUNCE = "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-announce";
    static final String PATCH = "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-patch";

    final Map<String, String> outputs = new HashMap<>(Map.of(
            "BlueGreenStateMachineArn", MACHINE, "BlueGreenDecideFunctionName", "kiln-BlueGreenDecide",
            "BakeStateMachineArn", BAKE, "GitHubTokenSecretName", "kiln/github-token", "BakesTableName", "kiln-bakes",
            "RotateStateMachineArn", ROTATE, "RetentionFunctionName", "kiln-Retention", "ReleaseFunctionName", "kiln-Release",
            "ArtifactBucketName", "kiln-artifacts"));

    {
        outputs.putAll(Map.of("ImagesTableName", "kiln-images", "AdvisoriesTableName", "kiln-advisories", "AnnounceStateMachineArn",
                ANNOUNCE, "PatchStateMachineArn", PATCH));
    }
    final Map<String, String> secrets = new HashMap<>(Map.of("kiln/github-token", "unset"));
    /** Executions that exist, by ARN, for lookups (kiln logs), and their history. */
    final Map<String, Execution> executions = new HashMap<>();
    final Map<String, List<Event>> histories = new HashMap<>();
    /** Current images by "<bakes table> <role>". */
    final Map<String, CurrentImages.Current> images = new HashMap<>();
    final Map<String, String> parameters = new HashMap<>();
    final List<String> started = new ArrayList<>();
    final List<String> invoked = new ArrayList<>();
    /** What the execution looks like at each look, the last one repeated. */
    final List<Execution> looks = new ArrayList<>();
    final List<List<Event>> stepsAtLook = new ArrayList<>();
    Invocation answer = new Invocation(false, "{}");
    /** Auto Scaling groups by name, in name order; tags set and removed change them. */
    final Map<String, Group> groups = new java.util.TreeMap<>();
    final List<String> tagged = new ArrayList<>();
    private int look;

    FakeCloud() {
        try {
            parameters.put("/kiln/config", Files.readString(Path.of("../examples/kiln.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The execution, at the next look, with the states entered so far (seconds after the start). */
    FakeCloud then(String status, String error, String cause, String output, Object... stepsAndSeconds) {
        List<Event> steps = new ArrayList<>();
        for (int i = 0; i < stepsAndSeconds.length; i += 2) {
            steps.add(entered((String) stepsAndSeconds[i], (Integer) stepsAndSeconds[i + 1]));
        }
        looks.add(new Execution("arn:exec", status, "{}", error, cause, output, START,
                status.equals("RUNNING") ? null : steps.get(steps.size() - 1).at()));
        stepsAtLook.add(steps);
        return this;
    }

    @Override
    public Optional<Map<String, String>> outputs(String stack) {
        return stack.equals("kiln") ? Optional.of(outputs) : Optional.empty();
    }

    /** Parameters of other regions by "<region> <name>", distribute's copies by "<region> <source image>". */
    final Map<String, String> regionalParameters = new HashMap<>();
    final Map<String, ImageCopy> copies = new HashMap<>();
    /** account + " " + region + " " + name → a member account's parameter, read through its member stack */
    final Map<String, String> memberParameters = new HashMap<>();
    final java.util.Set<String> unreachableMembers = new java.util.HashSet<>();

    @Override
    public Optional<String> parameter(String region, String name) {
        return Optional.ofNullable(regionalParameters.get(region + " " + name));
    }

    @Override
    public Optional<String> memberParameter(String hubArn, String deployment, String account, String region, String name) {
        if (unreachableMembers.contains(account)) {
            throw new IllegalStateException("User: " + hubArn + " is not authorized to perform: sts:AssumeRole on resource: "
                    + dev.kiln.common.distribution.MemberAccess.roleArn("aws", account, deployment, region));
        }
        return Optional.ofNullable(memberParameters.get(account + " " + region + " " + name));
    }

    @Override
    public Optional<ImageCopy> imageCopy(String region, String sourceImageId) {
        return Optional.ofNullable(copies.get(region + " " + sourceImageId));
    }

    @Override
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    @Override
    public String start(String stateMachineArn, String name, String input) {
        started.add(stateMachineArn + " " + name + " " + input);
        return "arn:exec";
    }

    @Override
    public Execution describe(String executionArn) {
        return executions.containsKey(executionArn) ? executions.get(executionArn) : looks.get(Math.min(look, looks.size() - 1));
    }

    @Override
    public Optional<CurrentImages.Current> currentImage(String bakesTable, String role) {
        return Optional.ofNullable(images.get(bakesTable + " " + role));
    }

    @Override
    public List<Execution> executions(String stateMachineArn, String status, int most) {
        return executions.values().stream().filter(e -> e.arn().startsWith(stateMachineArn.replace(":stateMachine:", ":execution:") + ":"))
                .filter(e -> e.status().equals(status)).sorted((a, b) -> b.startedAt().compareTo(a.startedAt())).limit(most).toList();
    }

    @Override
    public Optional<Execution> find(String executionArn) {
        return Optional.ofNullable(executions.get(executionArn));
    }

    @Override
    public List<Event> history(String executionArn) {
        if (histories.containsKey(executionArn)) {
            return histories.get(executionArn);
        }
        return stepsAtLook.get(Math.min(look++, stepsAtLook.size() - 1));
    }

    @Override
    public Optional<String> secret(String id) {
        return Optional.ofNullable(secrets.get(id));
    }

    /** A state entered, seconds after the start. */
    static Event entered(String state, int seconds) {
        return new Event("TaskStateEntered", state, START.plusSeconds(seconds), null, null, null);
    }

    @Override
    public Invocation invoke(String functionName, String payload) {
        invoked.add(functionName + " " + payload);
        return answer;
    }

    /** A group of the role launching the template version's image, with instances running these images. */
    FakeCloud group(String name, String role, String imageId, Map<String, String> moreTags, String... instanceImages) {
        Map<String, String> tags = new HashMap<>(moreTags);
        tags.put("kiln:role", role);
        groups.put(name, new Group(name, tags, "kiln-" + role, "$Latest", 3L, imageId, List.of(instanceImages)));
        return this;
    }

    @Override
    public List<String> groupNames() {
        return List.copyOf(groups.keySet());
    }

    @Override
    public List<Group> groups(String role) {
        return groups.values().stream().filter(g -> role == null || role.equals(g.tags().get("kiln:role"))).toList();
    }

    @Override
    public Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    @Override
    public void tagGroup(String group, String key, String value) {
        tagged.add("tag " + group + " " + key + "=" + value);
        Group g = groups.get(group);
        Map<String, String> tags = new HashMap<>(g.tags());
        tags.put(key, value);
        groups.put(group, new Group(g.name(), tags, g.launchTemplate(), g.version(), g.versionNumber(), g.imageId(), g.instanceImages()));
    }

    @Override
    public void untagGroup(String group, String key) {
        tagged.add("untag " + group + " " + key);
        Group g = groups.get(group);
        Map<String, String> tags = new HashMap<>(g.tags());
        tags.remove(key);
        groups.put(group, new Group(g.name(), tags, g.launchTemplate(), g.version(), g.versionNumber(), g.imageId(), g.instanceImages()));
    }

    /** Objects' user metadata by "bucket/key"; uploads add to it. */
    final Map<String, Map<String, String>> objects = new HashMap<>();
    final List<String> uploaded = new ArrayList<>();

    @Override
    public Optional<Map<String, String>> objectMetadata(String bucket, String key) {
        return Optional.ofNullable(objects.get(bucket + "/" + key));
    }

    @Override
    public void upload(String bucket, String key, Path file, Map<String, String> metadata) {
        uploaded.add("s3://" + bucket + "/" + key + " " + file.getFileName() + " " + metadata);
        objects.put(bucket + "/" + key, metadata);
    }

    /** The advisories ledger's records (kiln advisories, kiln patch). */
    final List<Map<String, String>> ledger = new ArrayList<>();
    /** The advisories each image's bake applied, by image id. */
    final Map<String, List<String>> imageAdvisories = new HashMap<>();

    @Override
    public List<Map<String, String>> ledger(String table) {
        return ledger;
    }

    @Override
    public List<String> imageAdvisories(String imagesTable, String imageId) {
        return imageAdvisories.getOrDefault(imageId, List.of());
    }
}
