package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.release.Release;
import dev.kiln.infra.Synthesized;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * blue-green on the local cloud's load balancer and groups: role web's colours are the groups web-blue and
 * web-green behind the listener the local deployment made (scripts/lib/local_config.py), with Kiln's hooks, so each
 * new instance goes through the launch workflow for real. Each test asserts what the listener, its rules and the
 * groups look like, not only how the execution ended. The local cloud has no load balancer data plane: the preview
 * is checked by reading its rule back.
 */
class BlueGreenIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RELEASE = Duration.ofMinutes(6);
    private static final String OFFICE = "203.0.113.10/32";
    /** Where the approval page's screenshots are kept (the build's output). */
    private static final Path SCREENSHOTS = Synthesized.layout().root().resolve("infra-cdk/target/screenshots");

    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());
    private static final ElasticLoadBalancingV2Client ELB = LocalCloud.client(ElasticLoadBalancingV2Client.builder());
    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final DynamoDbClient DYNAMO = LocalCloud.client(DynamoDbClient.builder());
    private static final CloudWatchClient CLOUDWATCH = LocalCloud.client(CloudWatchClient.builder());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The role's alarm that a switch watches (examples/kiln.json's web.blueGreen.switch.alarms). */
    private static final String ALARM = "web-5xx-high";

    private static Mailbox mailbox;
    private static Release release;
    private static String listener;
    private static final Map<String, String> TARGETS = new HashMap<>();

    @BeforeAll
    static void colours() throws Exception {
        mailbox = new Mailbox();
        release = WebFleet.release("web-blue-green-it", "2.0.0-it");
        String profile = WebFleet.instanceProfile();
        String image = WebFleet.image("it-blue-green-web", WebFleet.NGINX, profile);
        DYNAMO.putItem(r -> r.tableName(LocalCloud.stackOutput("BakesTableName")).item(Map.of(
                "bakeKey", AttributeValue.fromS("current#web"), "imageId", AttributeValue.fromS(image),
                "sha", AttributeValue.fromS("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"),
                "pushedAt", AttributeValue.fromS(Instant.now().toString()))));
        DYNAMO.deleteItem(r -> r.tableName(LocalCloud.stackOutput("ReleasesTableName"))
                .key(Map.of("releaseKey", AttributeValue.fromS("live#web"))));

        String balancer = ELB.describeLoadBalancers(r -> r.names("kiln-local-web")).loadBalancers().get(0).loadBalancerArn();
        listener = ELB.describeListeners(r -> r.loadBalancerArn(balancer)).listeners().get(0).listenerArn();
        for (String colour : List.of("blue", "green")) {
            TARGETS.put(colour, ELB.describeTargetGroups(r -> r.names("kiln-local-web-" + colour)).targetGroups().get(0)
                    .targetGroupArn());
            ELB.modifyTargetGroupAttributes(r -> r.targetGroupArn(TARGETS.get(colour))
                    .attributes(a -> a.key("deregistration_delay.timeout_seconds").value("5")));
        }
        // blue serves, on one instance of the image; green waits empty
        sendEverythingTo("blue");
        for (String colour : List.of("blue", "green")) {
            group("web-" + colour, TARGETS.get(colour), image, profile);
        }
        ASG.setDesiredCapacity(r -> r.autoScalingGroupName("web-blue").desiredCapacity(1));
        awaitReady("web-blue", 1);
    }

    /** A release a failed test left running would refuse every later one. */
    @AfterEach
    void stopReleases() {
        SFN.listExecutionsPaginator(r -> r.stateMachineArn(machine()).statusFilter(ExecutionStatus.RUNNING)).executions()
                .forEach(e -> SFN.stopExecution(r -> r.executionArn(e.executionArn()).cause("the test is over")));
    }

    @AfterAll
    static void deleteGroups() {
        for (String group : List.of("web-blue", "web-green")) {
            ASG.suspendProcesses(r -> r.autoScalingGroupName(group).scalingProcesses("Launch"));
            ASG.deleteAutoScalingGroup(r -> r.autoScalingGroupName(group).forceDelete(true));
        }
        mailbox.close();
    }

    @Test
    void shouldRefuseAReleaseWhileBothColoursCarryTrafficAndChangeNothing() {
        String live = live();
        List<Rule> rules = rules();
        int idleSize = group("web-" + other(live)).desiredCapacity();
        ELB.modifyListener(r -> r.listenerArn(listener).defaultActions(Action.builder().type(ActionTypeEnum.FORWARD)
                .forwardConfig(f -> f.targetGroups(TargetGroupTuple.builder().targetGroupArn(TARGETS.get("blue")).weight(50).build(),
                        TargetGroupTuple.builder().targetGroupArn(TARGETS.get("green")).weight(50).build())).build()));
        try {
            DescribeExecutionResponse ended = awaitEnd(start(), Duration.ofMinutes(1));

            assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(ended.error()).isEqualTo("dev.kiln.bluegreenplan.errors.ReleaseRefusedException");
            assertThat(ended.cause()).contains("both colours carry traffic on listener " + listener + " (blue 50%, green 50%)");
            assertThat(rules()).as("the listener's rules").isEqualTo(rules);
            assertThat(group("web-" + other(live)).desiredCapacity()).isEqualTo(idleSize);
        } finally {
            sendEverythingTo(live);
        }
    }

    @Test
    void shouldTearThePreviewDownOnARejectionByCommandAndRefuseASecondStartMeanwhile() throws Exception {
        String live = live();
        String idle = other(live);
        WebFleet.putRelease(version("2.0.1-it"));
        KilnCli.Run started = KilnCli.run("--output", "json", "release", "start", "web", "--no-wait", "--reason", "BlueGreenIT");
        assertThat(started.exitCode()).as(started.err()).isZero();
        String first = started.json().path("execution").asText();
        Rule preview = awaitPreview(idle);

        // the command line follows the second start to its end: refused at once
        KilnCli.Run second = KilnCli.run("release", "start", "web", "--reason", "BlueGreenIT, again");
        assertThat(second.exitCode()).as(second.err()).isEqualTo(1);
        assertThat(second.out()).contains("  Plan\n", "kiln: FAILED after ", "this release of web is already running: execution " + first);

        approvalLink(first);
        JsonNode rejected = decide("reject");
        assertThat(rejected.path("execution").asText()).isEqualTo(first);
        DescribeExecutionResponse ended = awaitEnd(first, RELEASE);

        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("Kiln.ReleaseRejected");
        assertThat(ELB.describeRules(r -> r.listenerArn(listener)).rules()).extracting(Rule::ruleArn).doesNotContain(preview.ruleArn());
        assertThat(forwardsTo()).as("the public side never moved").isEqualTo(only(live));
        assertThat(group("web-" + idle).desiredCapacity()).isZero();
        assertThat(group("web-" + live).desiredCapacity()).isEqualTo(1);
    }

    @Test
    void shouldSwitchAfterTheApprovalPagesButtonAndRetireTheOldColourAfterTheWindow() throws Exception {
        Waiting release = awaitingApproval("2.0.2-it");
        String live = release.live();
        String idle = release.idle();
        String execution = release.execution();
        Rule preview = release.preview();
        String link = release.link();

        assertThat(preview.conditions()).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("source-ip");
            assertThat(c.sourceIpConfig().values()).containsExactly(OFFICE);
        });
        assertThat(preview.actions()).singleElement().satisfies(a -> assertThat(forwards(a)).isEqualTo(only(idle)));
        assertThat(preview.priority()).isEqualTo("1");
        AutoScalingGroup previewed = group("web-" + idle);
        assertThat(previewed.instances()).hasSize(1).allSatisfy(i -> assertThat(i.lifecycleStateAsString()).isEqualTo("InService"));
        assertThat(forwardsTo()).as("only the office sees the new colour").isEqualTo(only(live));

        // the approver opens the link in a browser, reads the page, and presses Approve
        try (FunctionUrlForwarder approvalPage = FunctionUrlForwarder.to(link); Browser browser = Browser.start()) {
            browser.open(approvalPage.address(link));
            browser.screenshot(SCREENSHOTS.resolve("approval-page.png"));
            assertThat(browser.text()).contains("Kiln: Release of web").contains("Release: 2.0.2-it").contains(OFFICE)
                    .contains("Approve and switch").contains("Reject");
            assertThat(SFN.describeExecution(r -> r.executionArn(execution)).status()).as("opening the page decides nothing")
                    .isEqualTo(ExecutionStatus.RUNNING);

            browser.press("button.approve");
            browser.screenshot(SCREENSHOTS.resolve("approval-approved.png"));

            assertThat(browser.text()).contains("Approved: the switch starts now.");
            assertThat(post(approvalPage, link, "reject").statusCode()).as("a link decides once").isEqualTo(409);
        }

        LocalCloud.await("every request on " + idle, Duration.ofMinutes(2),
                () -> Optional.of(forwardsTo()).filter(f -> f.equals(only(idle))));
        DescribeExecutionResponse ended = awaitEnd(execution, RELEASE);

        assertThat(ended.status()).as(ended.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output()).path("outcome").asText()).isEqualTo("switched");
        assertThat(previewRule()).isEmpty();
        assertThat(group("web-" + live).desiredCapacity()).as("the old colour let its instances go").isZero();
        assertThat(group("web-" + idle).desiredCapacity()).isEqualTo(1);
    }

    @Test
    void shouldRollBackAtOnceWithinTheWindow() throws Exception {
        Waiting release = awaitingApproval("2.0.3-it");
        String live = release.live();
        String idle = release.idle();
        decide("approve");
        LocalCloud.await("every request on " + idle, Duration.ofMinutes(2),
                () -> Optional.of(forwardsTo()).filter(f -> f.equals(only(idle))));
        assertThat(group("web-" + live).desiredCapacity()).as("the old colour is kept for the window").isEqualTo(1);

        KilnCli.Run rolledBack = LocalCloud.await("the rollback window open", Duration.ofSeconds(30), () -> Optional.of(
                cli("--output", "json", "release", "rollback", "web", "--by", "BlueGreenIT")).filter(run -> run.exitCode() == 0));
        assertThat(rolledBack.json().path("decision").asText()).isEqualTo("rollback");
        DescribeExecutionResponse ended = awaitEnd(release.execution(), Duration.ofMinutes(2));

        assertThat(ended.status()).as(ended.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output()).path("outcome").asText()).isEqualTo("rolledBack");
        assertThat(forwardsTo()).isEqualTo(only(live));
        assertThat(group("web-" + idle).desiredCapacity()).isZero();
        assertThat(group("web-" + live).desiredCapacity()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheReleaseDownWhenNobodyDecidesInTime() throws Exception {
        String live = live();
        String idle = other(live);
        WebFleet.putRelease(version("2.0.4-it"));
        String execution = start();
        awaitPreview(idle);

        DescribeExecutionResponse ended = awaitEnd(execution, RELEASE);

        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("Kiln.ApprovalTimedOut");
        assertThat(previewRule()).isEmpty();
        assertThat(forwardsTo()).isEqualTo(only(live));
        assertThat(group("web-" + idle).desiredCapacity()).isZero();
        KilnCli.Run late = KilnCli.run("release", "approve", "web");
        assertThat(late.exitCode()).isEqualTo(1);
        assertThat(late.err()).contains("kiln: could not approve the release of web: no release of web waits for a decision");
    }

    @Test
    void shouldTakeTheReleaseDownWhenASmokeCheckFailsOnTheIdleColour() throws Exception {
        String live = live();
        String idle = other(live);
        // installs and starts as a good release does (the launch's health check passes), but serves another page
        Release broken = WebFleet.release("web-blue-green-it-broken", "2.0.5-it",
                "<!doctype html><html><body><h1>Under maintenance</h1></body></html>\n");
        WebFleet.putRelease(broken);
        String execution = start();
        awaitPreview(idle);

        DescribeExecutionResponse ended = awaitEnd(execution, RELEASE);

        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("Kiln.SmokeChecksFailed");
        assertThat(ended.cause()).contains("the smoke checks ended Failed on the idle colour web-" + idle);
        assertThat(previewRule()).isEmpty();
        assertThat(forwardsTo()).as("the public side never moved").isEqualTo(only(live));
        assertThat(group("web-" + idle).desiredCapacity()).isZero();
        assertThat(group("web-" + live).desiredCapacity()).isEqualTo(1);
        String name = execution.substring(execution.lastIndexOf(':') + 1);
        assertThat(mailbox.awaitAbout(name).path("Message").asText()).contains("Kiln.SmokeChecksFailed");
        assertThat(mailbox.received()).as("nobody was asked to approve").noneMatch(n -> n.path("Message").asText()
                .contains("Execution: " + execution) && Mailbox.subject(n).orElse("").startsWith("Kiln: approve"));
    }

    @Test
    void shouldSendEverythingBackToTheLiveColourWhenAnAlarmGoesOffDuringAWeightedStep() throws Exception {
        Waiting release = awaitingApproval("2.0.6-it");
        String live = release.live();
        String idle = release.idle();
        String execution = release.execution();
        // the role's alarm (the example's switch.alarms) goes off: the new colour answers with errors
        CLOUDWATCH.putMetricAlarm(r -> r.alarmName(ALARM).namespace("AWS/ApplicationELB").metricName("HTTPCode_Target_5XX_Count")
                .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(10.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
        CLOUDWATCH.putMetricData(r -> r.namespace("AWS/ApplicationELB").metricData(d -> d.metricName("HTTPCode_Target_5XX_Count")
                .value(500.0).timestamp(Instant.now())));
        CLOUDWATCH.setAlarmState(r -> r.alarmName(ALARM).stateValue(StateValue.ALARM).stateReason("BlueGreenIT: 500 errors a minute"));
        try {
            decide("approve");
            DescribeExecutionResponse ended = awaitEnd(execution, RELEASE);

            assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(ended.error()).isEqualTo("Kiln.AlarmDuringSwitch");
            assertThat(ended.cause()).contains("with 50 percent of requests on the new colour");
            List<Map<String, Integer>> switches = SFN.getExecutionHistoryPaginator(r -> r.executionArn(execution)).events().stream()
                    .filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resource().equals("modifyListener"))
                    .map(e -> weights(e.taskScheduledEventDetails().parameters())).toList();
            assertThat(switches).as("half the requests went to the new colour, then all back")
                    .containsExactly(Map.of(TARGETS.get(idle), 50, TARGETS.get(live), 50), Map.of(TARGETS.get(live), 1));
            assertThat(forwardsTo()).isEqualTo(only(live));
            assertThat(previewRule()).isEmpty();
            assertThat(group("web-" + idle).desiredCapacity()).isZero();
            assertThat(group("web-" + live).desiredCapacity()).isEqualTo(1);
        } finally {
            CLOUDWATCH.deleteAlarms(r -> r.alarmNames(ALARM));
        }
    }

    // --- the colours ------------------------------------------------------------------------------------------

    private static Release version(String version) {
        return new Release("web", version, release.artifact(), release.sha256(), null);
    }

    /** A colour's group with Kiln's hooks, attached to its target group, launching the image from a template tagged kiln:role. */
    private static void group(String name, String targetGroup, String image, String profile) {
        try {
            ASG.deleteAutoScalingGroup(r -> r.autoScalingGroupName(name).forceDelete(true));
        } catch (AutoScalingException gone) {
            // none left by an earlier run
        }
        String template = "kiln-it-" + name;
        EC2.describeLaunchTemplates(r -> r.filters(Filter.builder().name("launch-template-name").values(template).build()))
                .launchTemplates().forEach(t -> EC2.deleteLaunchTemplate(r -> r.launchTemplateId(t.launchTemplateId())));
        EC2.createLaunchTemplate(r -> r.launchTemplateName(template)
                .launchTemplateData(d -> d.imageId(image).instanceType("t4g.small").iamInstanceProfile(p -> p.arn(profile)))
                .tagSpecifications(t -> t.resourceType(ResourceType.LAUNCH_TEMPLATE).tags(tag -> tag.key("kiln:role").value("web"))));
        ASG.createAutoScalingGroup(r -> r.autoScalingGroupName(name).minSize(0).maxSize(2).desiredCapacity(0)
                .launchTemplate(t -> t.launchTemplateName(template).version("1")).availabilityZones("us-east-1a")
                .targetGroupARNs(targetGroup)
                .tags(t -> t.resourceId(name).resourceType("auto-scaling-group").key("kiln:role").value("web").propagateAtLaunch(true)));
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(name).lifecycleHookName("kiln-launch")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").heartbeatTimeout(600).defaultResult("ABANDON"));
        ASG.putLifecycleHook(r -> r.autoScalingGroupName(name).lifecycleHookName("kiln-drain")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(600).defaultResult("CONTINUE"));
    }

    private static AutoScalingGroup group(String name) {
        return ASG.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().get(0);
    }

    private static void awaitReady(String name, int size) {
        LocalCloud.await(size + " instance(s) of " + name + " in service", Duration.ofMinutes(3), () -> Optional.of(group(name))
                .filter(g -> g.instances().size() == size && g.instances().stream().allMatch(i -> i.lifecycleStateAsString().equals("InService"))));
    }

    private static void sendEverythingTo(String colour) {
        ELB.modifyListener(r -> r.listenerArn(listener).defaultActions(Action.builder().type(ActionTypeEnum.FORWARD)
                .targetGroupArn(TARGETS.get(colour)).build()));
    }

    /** The target groups the listener's default action sends requests to (a weight above 0). */
    private static Set<String> forwardsTo() {
        return forwards(ELB.describeListeners(r -> r.listenerArns(listener)).listeners().get(0).defaultActions().get(0));
    }

    private static Set<String> forwards(Action action) {
        if (action.forwardConfig() != null && action.forwardConfig().hasTargetGroups() && !action.forwardConfig().targetGroups().isEmpty()) {
            return action.forwardConfig().targetGroups().stream().filter(t -> t.weight() == null || t.weight() > 0)
                    .map(TargetGroupTuple::targetGroupArn).collect(Collectors.toSet());
        }
        return Set.of(action.targetGroupArn());
    }

    /** The share of each target group in a ModifyListener request's default action (1 for a plain forward). */
    private static Map<String, Integer> weights(String modifyListener) {
        try {
            JsonNode action = JSON.readTree(modifyListener).path("DefaultActions").path(0);
            if (!action.has("ForwardConfig")) {
                return Map.of(action.path("TargetGroupArn").asText(), 1);
            }
            Map<String, Integer> weights = new HashMap<>();
            action.path("ForwardConfig").path("TargetGroups").forEach(t -> weights.put(t.path("TargetGroupArn").asText(), t.path("Weight").asInt(1)));
            return weights;
        } catch (Exception e) {
            throw new IllegalStateException(modifyListener, e);
        }
    }

    /** The colour everything goes to. */
    private static String live() {
        return forwardsTo().contains(TARGETS.get("blue")) ? "blue" : "green";
    }

    /** Everything goes to the colour. */
    private static Set<String> only(String colour) {
        return Set.of(TARGETS.get(colour));
    }

    private static String other(String colour) {
        return colour.equals("blue") ? "green" : "blue";
    }

    /** The listener's rules but its default one (whose action is the listener's default action). */
    private static List<Rule> rules() {
        return ELB.describeRules(r -> r.listenerArn(listener)).rules().stream().filter(r -> !r.isDefault()).toList();
    }

    /** Kiln's preview rule of the listener, if there is one (tagged kiln:purpose=preview). */
    private static Optional<Rule> previewRule() {
        List<Rule> rules = rules();
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        List<String> tagged = ELB.describeTags(r -> r.resourceArns(rules.stream().map(Rule::ruleArn).toList())).tagDescriptions()
                .stream().filter(d -> d.tags().stream().anyMatch(t -> t.key().equals("kiln:purpose") && t.value().equals("preview")))
                .map(d -> d.resourceArn()).toList();
        return rules.stream().filter(r -> tagged.contains(r.ruleArn())).findFirst();
    }

    /** The preview rule, as soon as the release adds it (before the idle colour is ready: its target group is checked only then). */
    private static Rule awaitPreview(String idle) {
        return LocalCloud.await("the preview of " + idle, RELEASE, () -> previewRule()
                .filter(rule -> rule.actions().stream().anyMatch(a -> forwards(a).contains(TARGETS.get(idle)))));
    }

    /** A release waiting for its approval: the colours, its execution, its preview rule and the mailed link. */
    private record Waiting(String live, String idle, String execution, Rule preview, String link) {
    }

    /** Starts a release of web at this version and waits until it asks for an approval. */
    private static Waiting awaitingApproval(String releaseVersion) {
        String live = live();
        String idle = other(live);
        WebFleet.putRelease(version(releaseVersion));
        String execution = start();
        Rule preview = awaitPreview(idle);
        return new Waiting(live, idle, execution, preview, approvalLink(execution));
    }

    // --- the workflow ------------------------------------------------------------------------------------------

    private static String machine() {
        return LocalCloud.stackOutput("BlueGreenStateMachineArn");
    }

    private static String start() {
        return SFN.startExecution(r -> r.stateMachineArn(machine()).name("it-web-" + UUID.randomUUID().toString().substring(0, 8))
                .input("{\"role\": \"web\", \"reason\": \"BlueGreenIT\"}")).executionArn();
    }

    private static DescribeExecutionResponse awaitEnd(String execution, Duration deadline) {
        return LocalCloud.await(execution + " to end", deadline, () -> Optional.of(SFN.describeExecution(r -> r.executionArn(execution)))
                .filter(e -> e.status() != ExecutionStatus.RUNNING));
    }

    /** A decision by command (kiln release approve|reject|rollback web), as a person makes it; fails the test when refused. */
    private static JsonNode decide(String decision) throws Exception {
        KilnCli.Run run = KilnCli.run("--output", "json", "release", decision, "web", "--by", "BlueGreenIT");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.json();
    }

    private static KilnCli.Run cli(String... args) {
        try {
            return KilnCli.run(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The link in the approval request the notification topic got for this execution: the release waits for a decision. */
    private static String approvalLink(String execution) {
        JsonNode mail = mailbox.await("the approval request of " + execution, Duration.ofMinutes(2),
                n -> Mailbox.subject(n).orElse("").equals("Kiln: approve the release of web?")
                        && n.path("Message").asText().contains("Execution: " + execution));
        Matcher link = Pattern.compile("Approve or reject: (\\S+)").matcher(mail.path("Message").asText());
        assertThat(link.find()).as(mail.path("Message").asText()).isTrue();
        return link.group(1);
    }

    /** The approval page's form, posted with a decision as its buttons post it. */
    private static HttpResponse<String> post(FunctionUrlForwarder approvalPage, String link, String decision) throws Exception {
        String form = link.substring(link.indexOf('?') + 1) + "&decision=" + URLEncoder.encode(decision, StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(approvalPage.address(link))).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
