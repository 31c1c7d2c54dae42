package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.release.Release;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * distribute on the local cloud, as scripts/lib/local_config.py deploys it: role web's images go to us-west-2 (the
 * hub's own account: a copy and its pointer there) and, shared with account 111111111111, to eu-west-1 (a copy
 * encrypted with alias/kiln-local-images, shared, the key granted, and the member account's pointer written through
 * the member stack scripts/deploy-local deployed there; no pointer of the hub's there). Each test publishes
 * an image of its own (the bakes table's record of web's current image set to it, as bake-record does, and put back
 * afterwards) and starts distribute with the rule's input, the published image's Image Baked detail. {@code kiln status}
 * shows each target region's copy; retention keeps a distributed image while a copy is used, by the hub's account or by
 * the member (asked through its member stack), and would otherwise remove it with its copies.
 */
class DistributeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Region OREGON = Region.US_WEST_2;
    private static final Region IRELAND = Region.EU_WEST_1;
    private static final String MEMBER = "111111111111";
    private static final Duration END = Duration.ofMinutes(3);

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final Ec2Client EC2_OREGON = LocalCloud.client(Ec2Client.builder(), OREGON);
    private static final Ec2Client EC2_IRELAND = LocalCloud.client(Ec2Client.builder(), IRELAND);
    private static final SsmClient SSM_OREGON = LocalCloud.client(SsmClient.builder(), OREGON);
    private static final SsmClient SSM_IRELAND = LocalCloud.client(SsmClient.builder(), IRELAND);
    private static final KmsClient KMS_IRELAND = LocalCloud.client(KmsClient.builder(), IRELAND);
    private static final SsmClient MEMBER_SSM_IRELAND = LocalCloud.client(SsmClient.builder(), IRELAND, MEMBER);
    private static final IamClient MEMBER_IAM = LocalCloud.client(IamClient.builder(), Region.AWS_GLOBAL, MEMBER);
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final Ec2Client MEMBER_EC2_IRELAND = LocalCloud.client(Ec2Client.builder(), IRELAND, MEMBER);
    private static final AutoScalingClient MEMBER_ASG_IRELAND = LocalCloud.client(AutoScalingClient.builder(), IRELAND, MEMBER);
    private static final SfnClient MEMBER_SFN_IRELAND = LocalCloud.client(SfnClient.builder(), IRELAND, MEMBER);
    private static final S3Client MEMBER_S3_IRELAND = LocalCloud.client(S3Client.builder(), IRELAND, MEMBER);
    private static final LambdaClient MEMBER_LAMBDA_IRELAND = LocalCloud.client(LambdaClient.builder(), IRELAND, MEMBER);

    @Test
    void shouldCopyAPublishedImageIntoEachTargetRegionEncryptedSharedAndPointedAtOnce() throws Exception {
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image);
             KilnEvents events = new KilnEvents("{\"source\": [\"kiln.distribute\"], \"detail-type\": [\"Image Distributed\"]}")) {
            DescribeExecutionResponse run = distribute(image);

            assertThat(run.status()).as(run.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            Image oregon = copyOf(EC2_OREGON, image);
            Image ireland = copyOf(EC2_IRELAND, image);
            for (Image copy : List.of(oregon, ireland)) {
                assertThat(copy.stateAsString()).isEqualTo("available");
                assertThat(tags(copy.tags())).containsEntry("kiln:role", "web").containsEntry("kiln:source-image", image)
                        .containsEntry("kiln:source-region", "us-east-1");
            }
            assertThat(snapshotOf(EC2_OREGON, oregon).encrypted()).isTrue();
            String key = KMS_IRELAND.describeKey(r -> r.keyId("alias/kiln-local-images")).keyMetadata().arn();
            Snapshot irelandSnapshot = snapshotOf(EC2_IRELAND, ireland);
            assertThat(irelandSnapshot.encrypted()).isTrue();
            assertThat(irelandSnapshot.kmsKeyId()).isEqualTo(key);
            assertThat(tags(irelandSnapshot.tags())).containsEntry("kiln:source-image", image);

            assertThat(EC2_IRELAND.describeImageAttribute(r -> r.imageId(ireland.imageId())
                    .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions()).extracting(LaunchPermission::userId)
                    .containsExactly(MEMBER);
            assertThat(KMS_IRELAND.listGrants(r -> r.keyId(key)).grants()).anySatisfy(grant -> {
                assertThat(grant.granteePrincipal()).isEqualTo("arn:aws:iam::" + MEMBER + ":root");
                assertThat(grant.name()).isEqualTo("kiln-" + ireland.imageId() + "-" + MEMBER);
            });
            assertThat(EC2_OREGON.describeImageAttribute(r -> r.imageId(oregon.imageId())
                    .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions()).isEmpty();

            assertThat(SSM_OREGON.getParameter(r -> r.name("/kiln/images/web")).parameter().value()).isEqualTo(oregon.imageId());
            assertThat(SSM_IRELAND.getParametersByPath(r -> r.path("/kiln/images")).parameters())
                    .as("the hub's own account does not launch web in eu-west-1").isEmpty();
            assertThat(MEMBER_SSM_IRELAND.getParameter(r -> r.name("/kiln/images/web")).parameter().value())
                    .as("the member account's pointer, written through its member stack's role").isEqualTo(ireland.imageId());

            KilnCli.Run status = KilnCli.run("--output", "json", "status", "--role", "web");
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.json().path("distribution")).extracting(d -> d.path("region").asText() + " "
                    + d.path("copyImageId").asText() + " " + d.path("pointsAt").asText("-")).containsExactly(
                    "eu-west-1 " + ireland.imageId() + " -", "us-west-2 " + oregon.imageId() + " " + oregon.imageId());
            assertThat(status.json().at("/distribution/0/members")).as("the member's pointer, read through its member stack")
                    .extracting(m -> m.path("account").asText() + " " + m.path("pointsAt").asText())
                    .containsExactly(MEMBER + " " + ireland.imageId());

            JsonNode member = events.await("Image Distributed to 111111111111 in eu-west-1", event ->
                    event.at("/detail/region").asText().equals("eu-west-1") && event.at("/detail/imageId").asText().equals(image));
            assertThat(member.at("/detail/target").asText()).isEqualTo(MEMBER);
            assertThat(member.at("/detail/copyImageId").asText()).isEqualTo(ireland.imageId());
            assertThat(member.at("/detail/pointer").asText()).isEqualTo("/kiln/images/web");
            JsonNode hub = events.await("Image Distributed to the hub's account in us-west-2", event ->
                    event.at("/detail/region").asText().equals("us-west-2") && event.at("/detail/imageId").asText().equals(image));
            assertThat(hub.at("/detail/target").asText()).isEqualTo("000000000000");
            assertThat(hub.at("/detail/pointer").asText()).isEqualTo("/kiln/images/web");
        }
    }

    @Test
    void shouldMakeNoSecondCopyWhenTheSameImageIsDistributedAgain() throws Exception {
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            assertThat(distribute(image).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String first = copyOf(EC2_OREGON, image).imageId();

            assertThat(distribute(image).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

            assertThat(copies(EC2_OREGON, image)).extracting(Image::imageId).containsExactly(first);
            assertThat(copies(EC2_IRELAND, image)).hasSize(1);
        }
    }

    @Test
    void shouldDistributeTheOtherRegionsAndFailNamingTheRegionWhoseKeyIsDisabled() throws Exception {
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        String key = KMS_IRELAND.describeKey(r -> r.keyId("alias/kiln-local-images")).keyMetadata().keyId();
        KMS_IRELAND.disableKey(r -> r.keyId(key));
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            DescribeExecutionResponse run = distribute(image);

            assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(run.error()).isEqualTo("Kiln.DistributionIncomplete");
            assertThat(run.cause()).startsWith("1 of 2 regions failed for " + image + " (web): ")
                    .contains("eu-west-1", "alias/kiln-local-images", "Disabled");
            assertThat(SSM_OREGON.getParameter(r -> r.name("/kiln/images/web")).parameter().value())
                    .isEqualTo(copyOf(EC2_OREGON, image).imageId());
            assertThat(copies(EC2_IRELAND, image)).isEmpty();
        } finally {
            KMS_IRELAND.enableKey(r -> r.keyId(key));
        }
    }

    @Test
    void shouldReportAMemberWhoseRoleTheHubCannotAssumeWhileTheOthersAreDistributed() throws Exception {
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        String role = "kiln-hub-eu-west-1";
        String trust = java.net.URLDecoder.decode(MEMBER_IAM.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument(),
                java.nio.charset.StandardCharsets.UTF_8);
        String before = MEMBER_SSM_IRELAND.getParameter(r -> r.name("/kiln/images/web")).parameter().value();
        // the member's role now trusts another hub's external id: the local cloud refuses the hub, as AWS would (its
        // statement named as a probe's, so that the refusal check after the tests knows it was asked for)
        com.fasterxml.jackson.databind.node.ObjectNode other = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                trust.replace("kiln-kiln-000000000000", "kiln-kiln-999999999999"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) other.path("Statement").get(0)).put("Sid", "IamProbeDistribute");
        MEMBER_IAM.updateAssumeRolePolicy(r -> r.roleName(role).policyDocument(other.toString()));
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            DescribeExecutionResponse run = distribute(image);

            assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(run.error()).isEqualTo("Kiln.DistributionIncomplete");
            assertThat(run.cause()).startsWith("1 of 2 regions failed for " + image + " (web): ")
                    .contains("Kiln.TargetsFailed", "1 of 1 targets in eu-west-1 failed", MEMBER, role);
            Image ireland = copyOf(EC2_IRELAND, image);
            assertThat(EC2_IRELAND.describeImageAttribute(r -> r.imageId(ireland.imageId())
                    .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions()).extracting(LaunchPermission::userId)
                    .as("the copy is made and shared all the same").containsExactly(MEMBER);
            assertThat(MEMBER_SSM_IRELAND.getParameter(r -> r.name("/kiln/images/web")).parameter().value()).isEqualTo(before);
            assertThat(SSM_OREGON.getParameter(r -> r.name("/kiln/images/web")).parameter().value())
                    .isEqualTo(copyOf(EC2_OREGON, image).imageId());
        } finally {
            MEMBER_IAM.updateAssumeRolePolicy(r -> r.roleName(role).policyDocument(trust));
        }
    }

    @Test
    void shouldDistributeNothingOfAnImageThatIsNoLongerTheRolesCurrentOne() throws Exception {
        String older = LocalFleet.bakedImage("web", "DistributeIT");
        String newer = LocalFleet.bakedImage("web", "DistributeIT");
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", newer)) {
            DescribeExecutionResponse run = distribute(older);

            assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(run.output()).path("skipped").asText())
                    .isEqualTo(older + " is no longer web's current image (" + newer + " is): that one is distributed instead");
            assertThat(copies(EC2_OREGON, older)).isEmpty();
        }
    }

    @Test
    void shouldKeepAnOldDistributedImageWhileAMemberUsesItsCopyAndOtherwiseRemoveItWithItsCopies() throws Exception {
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        String ireland;
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            assertThat(distribute(image).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            ireland = copyOf(EC2_IRELAND, image).imageId();
        }
        // five newer images of web: the distributed one is older than the five newest retention keeps
        long distributed = java.time.Instant.now().getEpochSecond();
        LocalCloud.await("the next second", Duration.ofSeconds(5),
                () -> Optional.of(java.time.Instant.now()).filter(now -> now.getEpochSecond() > distributed));
        for (int i = 0; i < 5; i++) {
            LocalFleet.bakedImage("web", "DistributeIT");
        }

        // the member's pointer names the copy: retention asks the member stack what it uses
        JsonNode used = decided(retentionDryRun(), image);

        assertThat(used.path("action").asText()).isEqualTo("KEEP_IN_USE");
        assertThat(used.path("reason").asText()).isEqualTo("its copy " + ireland + " in eu-west-1 is still used by the image"
                + " pointer /kiln/images/web in account " + MEMBER);

        // once no copy is used, here or by the member (the pointers name other images), it goes with its copies
        String member = MEMBER_SSM_IRELAND.getParameter(r -> r.name("/kiln/images/web")).parameter().value();
        String oregon = SSM_OREGON.getParameter(r -> r.name("/kiln/images/web")).parameter().value();
        MEMBER_SSM_IRELAND.putParameter(r -> r.name("/kiln/images/web").value("ami-0bb7267a511c0a8e8").overwrite(true));
        SSM_OREGON.putParameter(r -> r.name("/kiln/images/web").value("ami-0bb7267a511c0a8e8").overwrite(true));
        try {
            JsonNode removed = decided(retentionDryRun(), image);

            assertThat(removed.path("action").asText()).isEqualTo("REMOVE");
            assertThat(removed.path("reason").asText()).endsWith("; its copies in eu-west-1, us-west-2 go with it");
        } finally {
            MEMBER_SSM_IRELAND.putParameter(r -> r.name("/kiln/images/web").value(member).overwrite(true));
            SSM_OREGON.putParameter(r -> r.name("/kiln/images/web").value(oregon).overwrite(true));
        }
    }

    @Test
    void shouldRotateTheMembersOptedInGroupsOntoItsOwnCopyOnlyOnceTheCopyIsPointedThere() throws Exception {
        String group = "distribute-it-member-web";
        String oldImage = MEMBER_EC2_IRELAND.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        String template = MEMBER_EC2_IRELAND.createLaunchTemplate(r -> r.launchTemplateName(group + "-" + UUID.randomUUID())
                .launchTemplateData(d -> d.imageId(oldImage).instanceType(InstanceType.T4_G_SMALL))
                .tagSpecifications(t -> t.resourceType(ResourceType.LAUNCH_TEMPLATE)
                        .tags(Tag.builder().key("kiln:role").value("web").build()))).launchTemplate().launchTemplateName();
        MEMBER_ASG_IRELAND.createAutoScalingGroup(r -> r.autoScalingGroupName(group).minSize(0).maxSize(3).desiredCapacity(1)
                .launchTemplate(t -> t.launchTemplateName(template).version("1")).availabilityZones("eu-west-1a")
                .tags(Map.of("kiln:role", "web", "kiln:rotate", "nightly").entrySet().stream().map(tag ->
                        software.amazon.awssdk.services.autoscaling.model.Tag.builder().resourceId(group)
                                .resourceType("auto-scaling-group").key(tag.getKey()).value(tag.getValue())
                                .propagateAtLaunch(false).build()).toList()));
        Optional<String> pointed = memberPointer();
        String image = LocalFleet.bakedImage("web", "DistributeIT");
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            pointed.ifPresent(before -> MEMBER_SSM_IRELAND.deleteParameter(r -> r.name("/kiln/images/web")));

            DescribeExecutionResponse early = memberRotate(group);

            assertThat(early.status()).as(early.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(early.output()).at("/counts/skipped").asInt()).as(early.output()).isEqualTo(1);
            assertThat(memberGroupImages(group)).as("no copy here yet: the group waits").containsOnly(oldImage);

            assertThat(distribute(image).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String copy = copyOf(EC2_IRELAND, image).imageId();
            DescribeExecutionResponse rotated = memberRotate(group);

            assertThat(rotated.status()).as(rotated.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(rotated.output()).at("/counts/succeeded").asInt()).as(rotated.output()).isEqualTo(1);
            assertThat(memberGroupImages(group)).as("the member's group runs the copy in its own region").containsOnly(copy);
        } finally {
            MEMBER_ASG_IRELAND.deleteAutoScalingGroup(r -> r.autoScalingGroupName(group).forceDelete(true));
            MEMBER_EC2_IRELAND.deleteLaunchTemplate(r -> r.launchTemplateName(template));
        }
    }

    @Test
    void shouldDeployTheMembersOwnReleaseOnItsCopyWhenItsGroupScalesOutAndDrainItWhenItScalesIn() throws Exception {
        String profile = WebFleet.instanceProfile();
        String image = WebFleet.image("distribute-it-web", WebFleet.NGINX, profile);
        String memberBucket = LocalCloud.memberStackOutput(MEMBER, IRELAND.id(), "ArtifactBucketName");
        Release release = WebFleet.release("distribute-it-member", "2.0.0-member", MEMBER_S3_IRELAND, memberBucket);
        InvokeResponse set = MEMBER_LAMBDA_IRELAND.invoke(r -> r.functionName(
                        LocalCloud.memberStackOutput(MEMBER, IRELAND.id(), "ReleaseFunctionName"))
                .payload(SdkBytes.fromUtf8String(JSON.createObjectNode().put("role", "web").put("version", release.version())
                        .put("artifact", release.artifact()).put("sha256", release.sha256()).toString())));
        assertThat(set.functionError()).as(set.payload().asUtf8String()).isNull();
        String group = "distribute-it-member-launch-" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalFleet.CurrentImage current = LocalFleet.current("web", image)) {
            assertThat(distribute(image).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String copy = copyOf(EC2_IRELAND, image).imageId();
            memberGroup(group, copy, memberInstanceProfile());

            MEMBER_ASG_IRELAND.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(1));
            String instance = LocalCloud.await("an instance in " + group, Duration.ofSeconds(30), () -> MEMBER_ASG_IRELAND
                    .describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0).instances()
                    .stream().findFirst()).instanceId();
            DescribeExecutionResponse launch = memberExecution("LaunchStateMachineArn", instance);

            assertThat(launch.status()).as(launch.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(launch.output()).path("path").asText()).isEqualTo("deploy");
            assertThat(memberGroupImages(group)).as("the member's instance runs its own copy").containsExactly(copy);
            assertThat(MEMBER_ASG_IRELAND.describeAutoScalingInstances(r -> r.instanceIds(instance)).autoScalingInstances()
                    .get(0).lifecycleState()).isEqualTo("InService");
            assertThat(MEMBER_S3_IRELAND.listObjectsV2(r -> r.bucket(memberBucket).prefix("logs/launch/web/" + instance + "/"))
                    .contents()).as("the launch's output, in the member's own bucket").isNotEmpty();

            MEMBER_ASG_IRELAND.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(0));
            DescribeExecutionResponse drain = memberExecution("DrainStateMachineArn", instance);

            assertThat(drain.status()).as(drain.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        } finally {
            MEMBER_ASG_IRELAND.deleteAutoScalingGroup(r -> r.autoScalingGroupName(group).forceDelete(true));
            MEMBER_EC2_IRELAND.deleteLaunchTemplate(r -> r.launchTemplateName(group));
        }
    }

    /** The member's web fleet instance profile, with its member stack's fleet instance policy for web: its ARN. */
    private static String memberInstanceProfile() {
        String name = "kiln-it-member-web-fleet";
        if (MEMBER_IAM.listInstanceProfiles().instanceProfiles().stream().noneMatch(p -> p.instanceProfileName().equals(name))) {
            MEMBER_IAM.createRole(r -> r.roleName(name).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                    + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
            MEMBER_IAM.attachRolePolicy(r -> r.roleName(name)
                    .policyArn(LocalCloud.memberStackOutput(MEMBER, IRELAND.id(), "FleetInstancePolicyArnWeb")));
            MEMBER_IAM.createInstanceProfile(r -> r.instanceProfileName(name));
            MEMBER_IAM.addRoleToInstanceProfile(r -> r.instanceProfileName(name).roleName(name));
        }
        return MEMBER_IAM.getInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile().arn();
    }

    /** An empty web group of the member's on the image, with Kiln's hooks (as KilnLifecycleHooks makes them). */
    private static void memberGroup(String group, String image, String profile) {
        MEMBER_EC2_IRELAND.createLaunchTemplate(r -> r.launchTemplateName(group).launchTemplateData(d -> d.imageId(image)
                .instanceType(InstanceType.T4_G_SMALL).iamInstanceProfile(p -> p.arn(profile))));
        MEMBER_ASG_IRELAND.createAutoScalingGroup(r -> r.autoScalingGroupName(group).minSize(0).maxSize(2).desiredCapacity(0)
                .launchTemplate(t -> t.launchTemplateName(group)).availabilityZones("eu-west-1a")
                .tags(t -> t.resourceId(group).resourceType("auto-scaling-group").key("kiln:role").value("web").propagateAtLaunch(true)));
        MEMBER_ASG_IRELAND.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("kiln-launch")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").heartbeatTimeout(600).defaultResult("ABANDON"));
        MEMBER_ASG_IRELAND.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("kiln-drain")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(600).defaultResult("CONTINUE"));
    }

    /** The member stack's execution (of the state machine its output names) for this instance, once it ended. */
    private static DescribeExecutionResponse memberExecution(String output, String instance) {
        String machine = LocalCloud.memberStackOutput(MEMBER, IRELAND.id(), output);
        String arn = LocalCloud.await("the member's " + output + " execution for " + instance, Duration.ofSeconds(60), () ->
                MEMBER_SFN_IRELAND.listExecutionsPaginator(r -> r.stateMachineArn(machine)).executions().stream()
                        .map(e -> e.executionArn())
                        .filter(e -> MEMBER_SFN_IRELAND.describeExecution(r -> r.executionArn(e)).input().contains(instance))
                        .findFirst());
        return LocalCloud.await(arn + " to end", END, () -> Optional.of(MEMBER_SFN_IRELAND.describeExecution(r -> r.executionArn(arn)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    private static Optional<String> memberPointer() {
        try {
            return Optional.of(MEMBER_SSM_IRELAND.getParameter(r -> r.name("/kiln/images/web")).parameter().value());
        } catch (ParameterNotFoundException none) {
            return Optional.empty();
        }
    }

    /** Starts the member stack's rotate in the member account for {@code group}, as an operator there would, and waits. */
    private static DescribeExecutionResponse memberRotate(String group) {
        String name = "it-member-rotate-" + UUID.randomUUID().toString().substring(0, 8);
        String machine = LocalCloud.memberStackOutput(MEMBER, IRELAND.id(), "RotateStateMachineArn");
        String arn = MEMBER_SFN_IRELAND.startExecution(r -> r.stateMachineArn(machine).name(name)
                .input("{\"asgs\": [\"" + group + "\"], \"reason\": \"it\"}")).executionArn();
        return LocalCloud.await(name + " to end", END, () -> Optional.of(MEMBER_SFN_IRELAND.describeExecution(r -> r.executionArn(arn)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    private static List<String> memberGroupImages(String group) {
        List<String> ids = MEMBER_ASG_IRELAND.describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups()
                .get(0).instances().stream().map(i -> i.instanceId()).toList();
        return ids.isEmpty() ? List.of() : MEMBER_EC2_IRELAND.describeInstances(r -> r.instanceIds(ids)).reservations().stream()
                .flatMap(v -> v.instances().stream()).map(i -> i.imageId()).toList();
    }

    private static JsonNode retentionDryRun() throws Exception {
        InvokeResponse response = LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput("RetentionFunctionName"))
                .payload(SdkBytes.fromUtf8String("{\"dryRun\": true, \"mail\": false}")));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static JsonNode decided(JsonNode report, String imageId) {
        for (JsonNode decision : report.path("decisions")) {
            if (decision.path("imageId").asText().equals(imageId)) {
                return decision;
            }
        }
        throw new AssertionError("retention decided nothing about " + imageId + ": " + report);
    }

    /** Starts distribute as the rule does, with the published image's Image Baked detail, and waits for its end. */
    private static DescribeExecutionResponse distribute(String image) {
        String name = "it-distribute-" + UUID.randomUUID().toString().substring(0, 8);
        String input = JSON.createObjectNode().put("role", "web").put("imageId", image).put("published", true)
                .put("sha", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c").put("reason", "push").toString();
        String arn = SFN.startExecution(r -> r.stateMachineArn(LocalCloud.stackOutput("DistributeStateMachineArn"))
                .name(name).input(input)).executionArn();
        return LocalCloud.await(name + " to end", END, () -> Optional.of(SFN.describeExecution(r -> r.executionArn(arn)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    private static List<Image> copies(Ec2Client ec2, String image) {
        return ec2.describeImages(r -> r.filters(f -> f.name("tag:kiln:source-image").values(image))).images();
    }

    private static Image copyOf(Ec2Client ec2, String image) {
        List<Image> copies = copies(ec2, image);
        assertThat(copies).as("copies of %s", image).hasSize(1);
        return copies.get(0);
    }

    private static Snapshot snapshotOf(Ec2Client ec2, Image image) {
        String snapshot = image.blockDeviceMappings().get(0).ebs().snapshotId();
        return ec2.describeSnapshots(r -> r.snapshotIds(snapshot)).snapshots().get(0);
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
