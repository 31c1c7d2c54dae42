package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;
import static dev.kiln.infra.constructs.Statements.ec2;

import dev.kiln.common.config.KilnConfig;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Blue/green releases (statemachines/blue-green.asl.json): a person (or a published image of a role that asks
 * for it) starts {@code <name>-blue-green} for a role; blue-green-plan finds the idle colour from the role's
 * listener and claims the role, the machine puts the image and release on the idle group, waits until it is
 * ready (blue-green-check), adds the office-only preview rule, runs the smoke checks, asks for an approval
 * (blue-green-approval keeps the task token and mails a signed link to blue-green-decide's page), switches the
 * listener's default action, and keeps the old colour for the rollback window. The releases table holds which
 * release runs per role, what each colour's launches deploy, and the waits for a person.
 */
public final class BlueGreenWorkflow extends Construct {

    /**
     * @param name          the deployment's name: the state machine is {@code <name>-blue-green}, the link key
     *                      {@code <name>/blue-green-link-key}
     * @param roles         the configured roles: their blueGreen blocks name the listeners and groups it may change
     * @param releasePrefix the roles' release parameters, e.g. {@code /kiln/releases/}
     * @param reservedConcurrency the decision page's reserved concurrency (anyone may call its URL)
     */
    public record Props(
            Path definition,
            String name,
            KilnFunction.Code planCode,
            KilnFunction.Code checkCode,
            KilnFunction.Code approvalCode,
            KilnFunction.Code decideCode,
            List<KilnConfig.Role> roles,
            IStringParameter config,
            BakeTables tables,
            IBucket artifacts,
            IEventBus bus,
            ITopic topic,
            String releasePrefix,
            int reservedConcurrency) {

        public Props {
            roles = List.copyOf(roles);
        }
    }

    private final Table releases;
    private final Secret linkKey;
    private final KilnFunction plan;
    private final KilnFunction check;
    private final KilnFunction approval;
    private final KilnFunction decide;
    private final FunctionUrl page;
    private final StateMachine machine;
    private final Rule afterBake;

    public BlueGreenWorkflow(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String machineName = props.name() + "-blue-green";
        List<KilnConfig.BlueGreen> blueGreens = props.roles().stream().map(KilnConfig.Role::blueGreen).filter(Objects::nonNull).toList();

        releases = KilnTables.keyedBy(this, "Releases", "releaseKey", RemovalPolicy.RETAIN)
                .timeToLiveAttribute("forgetAt")
                .build();

        linkKey = Secret.Builder.create(this, "LinkKey")
                .secretName(props.name() + "/blue-green-link-key")
                .description("Signs the links in Kiln's release approval requests; a new value voids the links sent")
                .generateSecretString(SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build())
                .build();
        NagSuppressions.addResourceSuppressions(linkKey, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("Rotating the link key by hand (a new value) voids every approval link sent; there is nothing else to update.")
                .build()));

        String executions = stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                .resourceName(machineName + ":*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        plan = new KilnFunction(this, "Plan", new KilnFunction.Props("kiln-blue-green-plan", props.planCode(),
                "Plans a blue/green release: the idle colour, the requests that release to it, or why not", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "BAKES_TABLE", props.tables().bakes().getTableName(),
                        "IMAGES_TABLE", props.tables().images().getTableName(),
                        "RELEASES_TABLE", releases.getTableName(),
                        "RELEASE_PREFIX", props.releasePrefix(),
                        "ARTIFACTS_BUCKET", props.artifacts().getBucketName()),
                1024, Duration.minutes(1)));
        props.config().grantRead(plan.function());
        props.tables().bakes().grant(plan.function(), "dynamodb:GetItem");
        props.tables().images().grant(plan.function(), "dynamodb:GetItem");
        releases.grant(plan.function(), "dynamodb:GetItem", "dynamodb:PutItem");
        plan.function().addToRolePolicy(allow(List.of("ssm:GetParameter"), stack.formatArn(ArnComponents.builder()
                .service("ssm").resource("parameter").resourceName(props.releasePrefix().substring(1) + "*").build())));
        plan.function().addToRolePolicy(allow(List.of("elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeLoadBalancers",
                "autoscaling:DescribeAutoScalingGroups"), "*"));
        plan.function().addToRolePolicy(allow(List.of("states:DescribeExecution"), executions));

        check = new KilnFunction(this, "Check", new KilnFunction.Props("kiln-blue-green-check", props.checkCode(),
                "Whether the idle colour is ready: every instance in service and healthy in its target group", Map.of(),
                512, Duration.seconds(30)));

        decide = new KilnFunction(this, "Decide", new KilnFunction.Props("kiln-blue-green-decide", props.decideCode(),
                "The decisions on a release: the approval link's page, and approve, reject or roll back by command", Map.of(
                        "RELEASES_TABLE", releases.getTableName(),
                        "LINK_KEY_SECRET", linkKey.getSecretArn()),
                1024, Duration.seconds(30)))
                // anyone may call the page's URL: a flood is throttled here, not in the account's other functions
                .reserveConcurrency(props.reservedConcurrency());
        releases.grant(decide.function(), "dynamodb:GetItem", "dynamodb:UpdateItem");
        linkKey.grantRead(decide.function());
        // SendTaskSuccess and SendTaskFailure name no resource: the task token says which task
        decide.function().addToRolePolicy(allow(List.of("states:SendTaskSuccess", "states:SendTaskFailure"), "*"));
        page = decide.live().addFunctionUrl(FunctionUrlOptions.builder().authType(FunctionUrlAuthType.NONE).build());

        approval = new KilnFunction(this, "Approval", new KilnFunction.Props("kiln-blue-green-approval", props.approvalCode(),
                "Keeps a release's task token while it waits for a person; asks the approvers with a signed link", Map.of(
                        "RELEASES_TABLE", releases.getTableName(),
                        "TOPIC_ARN", props.topic().getTopicArn(),
                        "LINK_KEY_SECRET", linkKey.getSecretArn(),
                        "DECISION_URL", page.getUrl(),
                        "DECISION_FUNCTION", decide.live().getFunctionName()),
                1024, Duration.seconds(30)));
        releases.grant(approval.function(), "dynamodb:PutItem");
        linkKey.grantRead(approval.function());
        props.topic().grantPublish(approval.function());
        List<String> approverTopics = blueGreens.stream().map(KilnConfig.BlueGreen::approversTopicArn).filter(Objects::nonNull)
                .distinct().toList();
        if (!approverTopics.isEmpty()) {
            approval.function().addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("sns:Publish"))
                    .resources(approverTopics).build());
        }

        machine = KilnStateMachines.create(this, "StateMachine", "Logs", new KilnStateMachines.Definition(
                machineName, "Releases a role to its idle colour, previews it from the office, switches after an approval",
                props.definition(), Map.of(
                        "BlueGreenPlanFunctionArn", plan.live().getFunctionArn(),
                        "BlueGreenCheckFunctionArn", check.live().getFunctionArn(),
                        "BlueGreenApprovalFunctionArn", approval.live().getFunctionArn(),
                        "ReleasesTable", releases.getTableName(),
                        "EventBusName", props.bus().getEventBusName(),
                        "NotificationTopicArn", props.topic().getTopicArn()),
                Duration.days(9)));
        plan.live().grantInvoke(machine);
        check.live().grantInvoke(machine);
        approval.live().grantInvoke(machine);
        releases.grant(machine, "dynamodb:PutItem", "dynamodb:DeleteItem");
        props.bus().grantPutEventsTo(machine);
        props.topic().grantPublish(machine);
        machine.addToRolePolicy(allow(List.of("autoscaling:DescribeAutoScalingGroups", "elasticloadbalancing:DescribeTargetHealth",
                "cloudwatch:DescribeAlarms", "ssm:ListCommands"), "*"));
        grantColours(stack, blueGreens);

        afterBake = afterBake(props);

        NagSuppressions.addResourceSuppressions(machine, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Describe calls (Auto Scaling, target health, alarms, commands) have no resource-level permissions; a"
                        + " colour's preview rule does not exist until the release makes it (its listener's rules end in a"
                        + " wildcard); the colours' launch templates are the users' (only those tagged kiln:role), and"
                        + " launching from them needs ec2:RunInstances on what a launch uses and makes and iam:PassRole (to"
                        + " EC2 only) for their instance profiles; Run Command reaches only instances of the colours' groups;"
                        + " publishing to the KMS-encrypted topic needs kms:GenerateDataKey*.")
                .build()), true);
        NagSuppressions.addResourceSuppressions(List.of(plan.function(), decide.function(), approval.function()),
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Load balancing's and Auto Scaling's Describe calls have no resource-level permissions; the"
                                + " releases are SSM parameters under the release prefix; blue-green-plan asks about its own"
                                + " state machine's executions; SendTaskSuccess and SendTaskFailure name no resource (the task"
                                + " token does); publishing to the KMS-encrypted topic needs kms:GenerateDataKey*.")
                        .build()), true);
    }

    /**
     * What the machine may change: the colours' groups (by name), their listeners and the listeners' rules, new
     * versions of the templates tagged kiln:role and the launches they make, and Run Command on the colours'
     * instances only.
     */
    private void grantColours(Stack stack, List<KilnConfig.BlueGreen> blueGreens) {
        if (blueGreens.isEmpty()) {
            return;
        }
        List<String> groups = blueGreens.stream().flatMap(b -> b.colours().stream()).map(KilnConfig.Colour::group).distinct().toList();
        List<String> listeners = blueGreens.stream().map(KilnConfig.BlueGreen::listenerArn).distinct().toList();
        List<String> rules = listeners.stream().map(l -> l.replace(":listener/", ":listener-rule/") + "/*").toList();
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("autoscaling:UpdateAutoScalingGroup"))
                .resources(groups.stream().map(group -> stack.formatArn(ArnComponents.builder().service("autoscaling")
                        .resource("autoScalingGroup").resourceName("*:autoScalingGroupName/" + group)
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())).toList())
                .build());
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("elasticloadbalancing:ModifyListener", "elasticloadbalancing:CreateRule")).resources(listeners).build());
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:AddTags"))
                .resources(rules).build());
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateLaunchTemplateVersion"))
                .resources(List.of(ec2(stack, "launch-template/*")))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:role", "false")))
                .build());
        // a group's launch template is checked as if the caller launched it: Kiln's templates, what a launch
        // uses and makes, the tags it gives at launch, and the instance profile's role (to EC2 only)
        Statements.launchFromKilnTemplates(stack).forEach(machine::addToRolePolicy);
        machine.addToRolePolicy(allow(List.of("ssm:SendCommand"), stack.formatArn(ArnComponents.builder().service("ssm")
                .account("").resource("document").resourceName("AWS-RunShellScript").build())));
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:SendCommand"))
                .resources(List.of(ec2(stack, "instance/*")))
                .conditions(Map.of("StringEquals", Map.of("ssm:resourceTag/aws:autoscaling:groupName", groups)))
                .build());
    }

    /** Roles with {@code afterBake}: each published image of theirs starts a release. */
    private Rule afterBake(Props props) {
        List<String> roles = props.roles().stream().filter(r -> r.blueGreen() != null && r.blueGreen().afterBake())
                .map(KilnConfig.Role::name).toList();
        if (roles.isEmpty()) {
            return null;
        }
        Map<String, Object> detail = new HashMap<>();
        detail.put("published", List.of(true));
        detail.put("role", new ArrayList<>(roles));
        // in this order, whatever the JVM: Map.of's order changes from one run to the next, and so would the template
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("role", EventField.fromPath("$.detail.role"));
        input.put("reason", "its image was baked");
        Queue unstarted = DeadLetters.queue(this, "UnstartedReleases", "the rule that starts blue-green after a bake");
        return Rule.Builder.create(this, "AfterBake")
                .description("A role released blue/green after each bake: its published image starts a release")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder().source(List.of("kiln.bake")).detailType(List.of("Image Baked")).detail(detail).build())
                .targets(List.of(SfnStateMachine.Builder.create(machine)
                        .input(RuleTargetInput.fromObject(input))
                        .retryAttempts(8).maxEventAge(Duration.hours(6)).deadLetterQueue(unstarted).build()))
                .build();
    }

    public Table releases() {
        return releases;
    }

    public Secret linkKey() {
        return linkKey;
    }

    public KilnFunction plan() {
        return plan;
    }

    public KilnFunction check() {
        return check;
    }

    public KilnFunction approval() {
        return approval;
    }

    public KilnFunction decide() {
        return decide;
    }

    public FunctionUrl page() {
        return page;
    }

    public StateMachine machine() {
        return machine;
    }

    /** Null when no role asks for a release after each bake. */
    public Rule afterBake() {
        return afterBake;
    }
}
