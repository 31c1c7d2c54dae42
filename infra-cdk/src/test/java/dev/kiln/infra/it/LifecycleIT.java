package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.release.InstanceCommands;
import dev.kiln.common.release.Release;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * launch and drain started by Auto Scaling itself: groups of the web role carry Kiln's two hooks (as
 * KilnLifecycleHooks makes them), scale out and in, and the local cloud's instances run the scripts
 * for real (the release downloaded with the fleet instance policy, nginx restarted, the health check
 * asked). Failures come from the emulator's faults (tag local-cloud:fault on the launch template's
 * instances), never from answers written here. Each test asserts the CompleteLifecycleAction request
 * the workflow made and what became of the instance.
 */
class LifecycleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration END = Duration.ofMinutes(4);
    private static final String FAULT_TAG = "local-cloud:fault";

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final S3Client S3 = LocalCloud.client(S3Client.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());
    private static final ElasticLoadBalancingV2Client ELB = LocalCloud.client(ElasticLoadBalancingV2Client.builder());

    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());

    private static Mailbox mailbox;
    private static Release release;
    private static String profileArn;
    private static String webImage;
    private static String releasedImage;
    private final List<String> groups = new ArrayList<>();
    private final List<String> balancers = new ArrayList<>();
    private final List<String> targetGroups = new ArrayList<>();

    @BeforeAll
    static void releaseProfileAndImages() throws Exception {
        mailbox = new Mailbox();
        release = WebFleet.release("web-lifecycle-it", "1.0.0-it");
        WebFleet.putRelease(release);
        profileArn = WebFleet.instanceProfile();
        webImage = WebFleet.image("it-web", WebFleet.NGINX, profileArn);
        List<String> released = new ArrayList<>(WebFleet.NGINX);
        released.addAll(new InstanceCommands(InstanceCommands.Paths.DEFAULT).install(release, InstanceCommands.Phase.BAKE));
        releasedImage = WebFleet.image("it-web-released", released, profileArn);
    }

    /**
     * Stops what the group still runs (an abandoned instance's replacement has its own launch execution),
     * then deletes it with its instances. Its launches are suspended first and the executions let settle:
     * one started by a lifecycle event still on its way would complete an action of a group that is gone,
     * which IAM refuses (the group has no kiln:role tag any more), as on AWS.
     */
    @AfterEach
    void deleteGroups() {
        for (String group : groups) {
            ASG.suspendProcesses(r -> r.autoScalingGroupName(group).scalingProcesses("Launch"));
            Instant end = Instant.now().plusSeconds(30);
            for (List<String> seen = List.of(); Instant.now().isBefore(end); ) {
                sleep(Duration.ofSeconds(2));
                List<String> now = new ArrayList<>(executionsWith("launch", group));
                now.addAll(executionsWith("drain", group));
                if (now.equals(seen)) {
                    break;
                }
                seen = now;
            }
            for (String workflow : List.of("launch", "drain")) {
                SFN.listExecutionsPaginator(r -> r.stateMachineArn(machine(workflow)).statusFilter(ExecutionStatus.RUNNING))
                        .executions().stream()
                        .filter(e -> SFN.describeExecution(r -> r.executionArn(e.executionArn())).input().contains(group))
                        .forEach(e -> SFN.stopExecution(r -> r.executionArn(e.executionArn()).cause("the test is over")));
            }
            ASG.deleteAutoScalingGroup(r -> r.autoScalingGroupName(group).forceDelete(true));
        }
        balancers.forEach(arn -> ELB.deleteLoadBalancer(r -> r.loadBalancerArn(arn)));
        targetGroups.forEach(arn -> ELB.deleteTargetGroup(r -> r.targetGroupArn(arn)));
    }

    @AfterAll
    static void closeMailbox() {
        mailbox.close();
    }

    private record Run(String name, String instanceId, DescribeExecutionResponse execution, List<JsonNode> completions,
                       List<String> states, JsonNode input) {

        JsonNode output() throws Exception {
            return JSON.readTree(execution.output());
        }

        String token() {
            return input.at("/detail/LifecycleActionToken").asText();
        }
    }

    @Test
    void shouldDeployTheReleaseOnAScaleOutAndPutTheInstanceInService() throws Exception {
        String group = group("deploy", webImage, true, null);

        Run run = scaleOut(group);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().get("path").asText()).isEqualTo("deploy");
        assertThat(run.states()).contains("InstallSend", "HealthSend").doesNotContain("StartSend");
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-launch", "CONTINUE"));
        assertThat(lifecycleState(run.instanceId())).contains("InService");
        assertThat(outputObjects("logs/launch/web/" + run.instanceId() + "/" + run.name() + "/")).isNotEmpty();
    }

    @Test
    void shouldVerifyOnlyAndContinueWhenTheImageAlreadyHasTheRelease() throws Exception {
        String group = group("fast", releasedImage, true, null);

        Run run = scaleOut(group);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().get("path").asText()).isEqualTo("fast");
        assertThat(run.states()).contains("StartSend", "HealthSend").doesNotContain("InstallSend");
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-launch", "CONTINUE"));
        assertThat(lifecycleState(run.instanceId())).contains("InService");
    }

    @Test
    void shouldAbandonAndSaySoWhenTheHealthCheckFails() throws Exception {
        String group = group("unhealthy", releasedImage, true, "health-fails");

        Run run = scaleOut(group);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.HealthCheckFailed");
        String logs = "s3://" + LocalCloud.stackOutput("ArtifactBucketName") + "/logs/launch/web/" + run.instanceId() + "/" + run.name() + "/";
        assertThat(run.execution().cause()).contains("the health check ended Failed with exit code 1 on " + run.instanceId(), logs);
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-launch", "ABANDON"));
        awaitTerminated(run.instanceId());

        JsonNode notification = mailbox.awaitAbout(run.name());
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln launch failed: " + run.name());
        assertThat(notification.get("Message").asText()).contains("Failed in      HealthCheck", logs);
    }

    @Test
    void shouldAbandonWhenTheInstanceNeverComesOnlineSendingHeartbeatsMeanwhile() throws Exception {
        String group = group("offline", webImage, true, "agent-offline");

        Run run = scaleOut(group);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.SsmTimedOut");
        assertThat(run.states()).contains("SsmHeartbeat");
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-launch", "ABANDON"));
        awaitTerminated(run.instanceId());
    }

    @Test
    void shouldAbandonAnInstanceKilnCannotPlaceInARole() throws Exception {
        String group = group("untagged", webImage, false, null);

        Run run = scaleOut(group);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("dev.kiln.lifecycleplan.errors.UnknownInstanceRoleException");
        assertThat(run.execution().cause()).contains("has no kiln:role tag");
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-launch", "ABANDON"));
        awaitTerminated(run.instanceId());
    }

    @Test
    void shouldHandleARepeatedEventForTheSameActionOnce() throws Exception {
        String group = group("repeated", releasedImage, true, null);
        Run first = scaleOut(group);

        String name = "it-repeated-" + UUID.randomUUID().toString().substring(0, 8);
        Run again = follow(name, SFN.startExecution(r -> r.stateMachineArn(machine("launch")).name(name)
                .input(first.input().toString())).executionArn(), first.instanceId());

        assertThat(first.completions()).hasSize(1);
        assertThat(again.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(again.output().get("duplicate").asBoolean()).isTrue();
        assertThat(again.output().get("heldBy").asText()).isEqualTo(first.execution().executionArn());
        assertThat(again.completions()).isEmpty();
        assertThat(again.states()).doesNotContain("SsmCheck");
    }

    @Test
    void shouldPrepareAnInstanceGoingIntoTheWarmPoolWithoutStartingItAndOnlyStartItWhenItJoinsTheGroup() throws Exception {
        String group = group("warm", webImage, true, null);
        ASG.putWarmPool(r -> r.autoScalingGroupName(group).maxGroupPreparedCapacity(1));
        String instance = LocalCloud.await("an instance in the warm pool of " + group, Duration.ofSeconds(30), () ->
                ASG.describeWarmPool(r -> r.autoScalingGroupName(group)).instances().stream().findFirst()).instanceId();

        Run prepared = follow(awaitExecutionWith("launch", instance), instance);
        assertThat(prepared.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(prepared.input().at("/detail/Destination").asText()).isEqualTo("WarmPool");
        assertThat(prepared.output().get("phase").asText()).isEqualTo("prepare");
        assertThat(prepared.states()).contains("InstallSend").doesNotContain("StartSend", "HealthSend");
        assertThat(prepared.completions()).containsExactly(completion(prepared, group, "kiln-launch", "CONTINUE"));
        LocalCloud.await(instance + " warmed", Duration.ofSeconds(30), () -> ASG.describeWarmPool(
                r -> r.autoScalingGroupName(group)).instances().stream().filter(i -> i.lifecycleStateAsString().equals("Warmed:Stopped")).findFirst());

        ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(1));
        Run joined = follow(LocalCloud.await("a second launch execution for " + instance, Duration.ofSeconds(60),
                () -> executionsWith("launch", instance).stream().filter(arn -> !arn.equals(prepared.execution().executionArn())).findFirst()),
                instance);

        assertThat(joined.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(joined.input().at("/detail/Origin").asText()).isEqualTo("WarmPool");
        assertThat(joined.output().get("path").asText()).as("installed once, on the way into the pool").isEqualTo("fast");
        assertThat(joined.states()).contains("StartSend", "HealthSend").doesNotContain("InstallSend");
        assertThat(joined.completions()).containsExactly(completion(joined, group, "kiln-launch", "CONTINUE"));
        assertThat(lifecycleState(instance)).contains("InService");
    }

    @Test
    void shouldDrainAnInstanceTheWarmPoolTakesBackOnScaleInAndStartItAgainWhenItRejoins() throws Exception {
        String group = group("reuse", releasedImage, true, null);
        Run first = scaleOut(group);
        String instance = first.instanceId();
        ASG.putWarmPool(r -> r.autoScalingGroupName(group).maxGroupPreparedCapacity(1)
                .instanceReusePolicy(p -> p.reuseOnScaleIn(true)));

        Run drained = scaleIn(group, instance);

        assertThat(drained.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(drained.input().at("/detail/Origin").asText()).isEqualTo("AutoScalingGroup");
        assertThat(drained.input().at("/detail/Destination").asText()).isEqualTo("WarmPool");
        assertThat(drained.states()).contains("DrainSend");
        assertThat(drained.completions()).containsExactly(completion(drained, group, "kiln-drain", "CONTINUE"));
        LocalCloud.await(instance + " back in the warm pool", Duration.ofSeconds(30), () -> ASG.describeWarmPool(
                r -> r.autoScalingGroupName(group)).instances().stream()
                .filter(i -> i.instanceId().equals(instance) && i.lifecycleStateAsString().equals("Warmed:Stopped")).findFirst());
        assertThat(EC2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0).state().name())
                .as("kept, not terminated").isEqualTo(InstanceStateName.STOPPED);

        ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(1));
        Run rejoined = follow(LocalCloud.await("the launch of " + instance + " rejoining", Duration.ofSeconds(60),
                () -> executionsWith("launch", instance).stream().filter(arn -> !arn.equals(first.execution().executionArn()))
                        .findFirst()), instance);

        assertThat(rejoined.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(rejoined.input().at("/detail/Origin").asText()).isEqualTo("WarmPool");
        assertThat(rejoined.output().get("path").asText()).as("the release is still on it").isEqualTo("fast");
        assertThat(rejoined.states()).contains("StartSend", "HealthSend").doesNotContain("InstallSend");
        assertThat(lifecycleState(instance)).contains("InService");
    }

    @Test
    void shouldServeFromTheGroupsTargetGroupOnceInServiceThenLeaveItBeforeTheDrainOnScaleIn() throws Exception {
        String group = group("drain", releasedImage, true, null);
        String targetGroup = targetGroupBehindALoadBalancer(group);
        ASG.attachLoadBalancerTargetGroups(r -> r.autoScalingGroupName(group).targetGroupARNs(targetGroup));
        String instance = scaleOut(group).instanceId();

        // the released site passes the target group's health checks
        LocalCloud.await(instance + " healthy in its target group", Duration.ofSeconds(60),
                () -> targetHealth(targetGroup, instance).filter(TargetHealthStateEnum.HEALTHY::equals));

        // on scale-in the load balancer stops sending to it before Kiln drains it
        ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(0));
        assertThat(targetHealth(targetGroup, instance)).contains(TargetHealthStateEnum.DRAINING);
        Run run = follow(awaitExecutionWith("drain", instance), instance);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.states()).contains("DrainSend");
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-drain", "CONTINUE"));
        assertThat(targetHealth(targetGroup, instance)).as("drained out of the target group").isEmpty();
        awaitTerminated(instance);
    }

    @Test
    void shouldStillContinueAfterTheBoundWhenTheDrainIsStuckAndReportIt() throws Exception {
        String group = group("stuck", releasedImage, true, null);
        String instance = scaleOut(group).instanceId();
        EC2.createTags(r -> r.resources(instance).tags(tag -> tag.key(FAULT_TAG).value("command-hangs")));

        Run run = scaleIn(group, instance);

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("Kiln.DrainFailed");
        assertThat(run.execution().cause()).contains("on " + instance);
        assertThat(run.completions()).containsExactly(completion(run, group, "kiln-drain", "CONTINUE"));
        awaitTerminated(instance);
        JsonNode notification = mailbox.awaitAbout(run.name());
        assertThat(notification.get("Subject").asText()).isEqualTo("Kiln drain failed: " + run.name());
        assertThat(notification.get("Message").asText()).contains("Failed in      DrainCheck");
    }

    @Test
    void shouldStartNothingForAnotherHookOfTheGroup() throws Exception {
        String group = group("other-hook", releasedImage, true, null);
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("audit")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").heartbeatTimeout(600).defaultResult("CONTINUE"));

        Run run = scaleOut(group);
        ASG.completeLifecycleAction(r -> r.autoScalingGroupName(group).lifecycleHookName("audit")
                .instanceId(run.instanceId()).lifecycleActionResult("CONTINUE"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.input().at("/detail/LifecycleHookName").asText()).isEqualTo("kiln-launch");
        assertThat(executionsWith("launch", run.instanceId())).hasSize(1);
        assertThat(LocalCloud.await(run.instanceId() + " in service", Duration.ofSeconds(30),
                () -> lifecycleState(run.instanceId()).filter("InService"::equals))).isEqualTo("InService");
    }

    @Test
    void shouldSuspendTheLaunchesOfAGroupWhoseEveryLaunchFailsSayItOnceAndResumeThemWhenAnotherReleaseIsSet() throws Exception {
        // a bad release: its artifact is not the one its checksum names, so every install fails
        WebFleet.putRelease(new Release("web", "1.0.0-bad", release.artifact(), "0".repeat(64), null));
        try {
            String group = group("failing", webImage, true, null);
            ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(1));

            LocalCloud.await(group + "'s Launch process suspended", Duration.ofMinutes(5), () -> Optional.of(group)
                    .filter(g -> suspendedProcesses(g).contains("Launch")));
            JsonNode notice = mailbox.await("the notice that " + group + " was suspended", Duration.ofSeconds(60),
                    n -> n.get("Subject").asText().equals("Kiln suspended the launches of " + group));
            assertThat(notice.get("Message").asText()).contains("3 launches in a row failed", "Release        1.0.0-bad",
                    "Kiln.InstallFailed", "Set a release of web other than 1.0.0-bad");
            awaitNoRunningLaunch(group);
            List<String> launched = executionsWith("launch", group);
            assertThat(launched).hasSizeGreaterThanOrEqualTo(3);
            assertThat(mailbox.drainFor(Duration.ofSeconds(10)).stream()
                    .filter(n -> n.get("Subject").asText().equals("Kiln suspended the launches of " + group)))
                    .as("said once").hasSize(1);
            assertThat(executionsWith("launch", group)).as("nothing launched while suspended").hasSameSizeAs(launched);
            List<String> before = groupInstances(group);

            InvokeResponse set = LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput("ReleaseFunctionName"))
                    .payload(SdkBytes.fromUtf8String(JSON.createObjectNode().put("role", "web").put("version", "1.0.1-it")
                            .put("artifact", release.artifact()).put("sha256", release.sha256()).toString())));

            assertThat(set.functionError()).as(set.payload().asUtf8String()).isNull();
            assertThat(JSON.readTree(set.payload().asUtf8String()).get("resumed")).extracting(JsonNode::asText)
                    .containsExactly(group);
            assertThat(suspendedProcesses(group)).doesNotContain("Launch");
            String instance = LocalCloud.await("an instance launched in " + group + " after the resume", Duration.ofSeconds(60),
                    () -> groupInstances(group).stream().filter(id -> !before.contains(id)).findFirst());
            Run good = follow(awaitExecutionWith("launch", instance), instance);
            assertThat(good.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(good.states()).contains("ForgetFailedLaunches");
            assertThat(lifecycleState(instance)).contains("InService");
        } finally {
            WebFleet.putRelease(release);
        }
    }

    // --- the fleet ---------------------------------------------------------------------------------

    private static List<String> suspendedProcesses(String group) {
        return ASG.describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0)
                .suspendedProcesses().stream().map(p -> p.processName()).toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> groupInstances(String group) {
        return ASG.describeAutoScalingGroups(r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0).instances()
                .stream().map(i -> i.instanceId()).toList();
    }

    private static void awaitNoRunningLaunch(String group) {
        LocalCloud.await("no launch of " + group + " running", Duration.ofMinutes(2), () -> Optional.of(group).filter(g ->
                SFN.listExecutionsPaginator(r -> r.stateMachineArn(machine("launch")).statusFilter(ExecutionStatus.RUNNING))
                        .executions().stream().noneMatch(e -> SFN.describeExecution(r -> r.executionArn(e.executionArn()))
                                .input().contains(g))));
    }

    /** A web group with Kiln's hooks (as KilnLifecycleHooks makes them), empty. */
    private String group(String name, String image, boolean propagateRole, String fault) {
        String group = "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        EC2.createLaunchTemplate(r -> r.launchTemplateName(group).launchTemplateData(d -> {
            d.imageId(image).instanceType("t4g.small").iamInstanceProfile(p -> p.arn(profileArn));
            if (fault != null) {
                d.tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(tag -> tag.key(FAULT_TAG).value(fault)));
            }
        }));
        ASG.createAutoScalingGroup(r -> r.autoScalingGroupName(group).minSize(0).maxSize(2).desiredCapacity(0)
                .launchTemplate(t -> t.launchTemplateName(group)).availabilityZones("us-east-1a")
                .tags(t -> t.resourceId(group).resourceType("auto-scaling-group").key("kiln:role").value("web")
                        .propagateAtLaunch(propagateRole)));
        groups.add(group);
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("kiln-launch")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").heartbeatTimeout(600).defaultResult("ABANDON"));
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(group).lifecycleHookName("kiln-drain")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(600).defaultResult("CONTINUE"));
        return group;
    }

    /**
     * A target group behind an Application Load Balancer's listener, checked every 5 s and healthy after 2 checks,
     * drained in 5 s: a group attached to it has its instances served there.
     */
    private String targetGroupBehindALoadBalancer(String group) {
        String vpc = EC2.describeVpcs(r -> r.filters(f -> f.name("is-default").values("true"))).vpcs().get(0).vpcId();
        List<String> subnets = EC2.describeSubnets(r -> r.filters(f -> f.name("vpc-id").values(vpc))).subnets().stream()
                .map(Subnet::subnetId).limit(2).toList();
        String balancer = ELB.createLoadBalancer(r -> r.name(group).subnets(subnets)).loadBalancers().get(0).loadBalancerArn();
        String targetGroup = ELB.createTargetGroup(r -> r.name(group).protocol(ProtocolEnum.HTTP).port(80).vpcId(vpc)
                .healthCheckPath("/healthz").healthCheckIntervalSeconds(5).healthyThresholdCount(2))
                .targetGroups().get(0).targetGroupArn();
        ELB.modifyTargetGroupAttributes(r -> r.targetGroupArn(targetGroup)
                .attributes(a -> a.key("deregistration_delay.timeout_seconds").value("5")));
        ELB.createListener(r -> r.loadBalancerArn(balancer).protocol(ProtocolEnum.HTTP).port(80)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup)));
        balancers.add(balancer);
        targetGroups.add(targetGroup);
        return targetGroup;
    }

    /** The instance's health in the target group, as DescribeTargetHealth lists it (nothing once it is gone). */
    private static Optional<TargetHealthStateEnum> targetHealth(String targetGroup, String instance) {
        return ELB.describeTargetHealth(r -> r.targetGroupArn(targetGroup)).targetHealthDescriptions().stream()
                .filter(d -> d.target().id().equals(instance)).map(d -> d.targetHealth().state()).findFirst();
    }

    /** Scales the group to one instance and follows the launch execution its hook starts. */
    private static Run scaleOut(String group) {
        ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(1));
        String instance = LocalCloud.await("an instance in " + group, Duration.ofSeconds(30), () -> ASG.describeAutoScalingGroups(
                r -> r.autoScalingGroupNames(group)).autoScalingGroups().get(0).instances().stream().findFirst()).instanceId();
        return follow(awaitExecutionWith("launch", instance), instance);
    }

    /** Scales the group to none and follows the drain execution of its instance. */
    private static Run scaleIn(String group, String instance) {
        ASG.setDesiredCapacity(r -> r.autoScalingGroupName(group).desiredCapacity(0));
        return follow(awaitExecutionWith("drain", instance), instance);
    }

    private static Optional<String> lifecycleState(String instance) {
        return ASG.describeAutoScalingInstances(r -> r.instanceIds(instance)).autoScalingInstances().stream()
                .map(AutoScalingInstanceDetails::lifecycleState).findFirst();
    }

    private static void awaitTerminated(String instance) {
        LocalCloud.await(instance + " terminated", Duration.ofSeconds(30), () -> Optional.of(
                EC2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0).state().name())
                .filter(InstanceStateName.TERMINATED::equals));
    }

    private static List<String> outputObjects(String prefix) {
        return S3.listObjectsV2(r -> r.bucket(LocalCloud.stackOutput("ArtifactBucketName")).prefix(prefix)).contents()
                .stream().map(o -> o.key()).toList();
    }

    private static JsonNode completion(Run run, String group, String hook, String result) {
        return JSON.createObjectNode().put("AutoScalingGroupName", group).put("LifecycleHookName", hook)
                .put("LifecycleActionToken", run.token()).put("InstanceId", run.instanceId()).put("LifecycleActionResult", result);
    }

    // --- executions --------------------------------------------------------------------------------

    private static Run follow(String arn, String instanceId) {
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        return follow(name, arn, instanceId);
    }

    private static Run follow(String name, String arn, String instanceId) {
        DescribeExecutionResponse ended = LocalCloud.await(name + " to end", END, () -> Optional.of(
                SFN.describeExecution(r -> r.executionArn(arn))).filter(e -> e.status() != ExecutionStatus.RUNNING));
        List<HistoryEvent> history = SFN.getExecutionHistoryPaginator(r -> r.executionArn(arn).maxResults(1000))
                .events().stream().toList();
        List<JsonNode> completions = history.stream()
                .filter(e -> e.type() == HistoryEventType.TASK_SCHEDULED
                        && e.taskScheduledEventDetails().resource().equals("completeLifecycleAction"))
                .map(e -> read(e.taskScheduledEventDetails().parameters()))
                .toList();
        List<String> states = history.stream().filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name()).toList();
        return new Run(name, instanceId, ended, completions, states, read(ended.input()));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static String machine(String workflow) {
        return LocalCloud.stackOutput(workflow.equals("launch") ? "LaunchStateMachineArn" : "DrainStateMachineArn");
    }

    private static List<String> executionsWith(String workflow, String text) {
        return SFN.listExecutionsPaginator(r -> r.stateMachineArn(machine(workflow))).executions().stream()
                .map(e -> e.executionArn())
                .filter(arn -> SFN.describeExecution(r -> r.executionArn(arn)).input().contains(text))
                .toList();
    }

    private static String awaitExecutionWith(String workflow, String text) {
        return LocalCloud.await("a " + workflow + " execution for " + text, Duration.ofSeconds(60),
                () -> executionsWith(workflow, text).stream().findFirst());
    }
}
