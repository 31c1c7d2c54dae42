package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Deploy on launch, drain on terminate. Rules on the default bus hand Auto Scaling's lifecycle
 * actions of Kiln's hooks ({@code <name>-launch}, {@code <name>-drain}) to the launch and drain state
 * machines; lifecycle-plan is their first state, and launch-guard counts launch's failures (a group
 * whose launches keep failing has its Launch process suspended until release sets another release). Also
 * here: the release function that sets a role's release, and for each role the managed policy its fleets' instance role needs for what launch and drain
 * run on it (one role's instances cannot read another role's secrets).
 * Kiln adds the hooks to no group itself; {@link KilnLifecycleHooks} does, in the user's stack.
 */
public final class LifecycleWorkflows extends Construct {

    /**
     * @param name          the deployment's name: state machines {@code <name>-launch} and {@code <name>-drain},
     *                      hooks of the same names, releases under {@code /<name>/releases/}, env secrets
     *                      {@code <name>/env/<role>} and parameters {@code /<name>/env/<role>/}
     * @param roles         the configured roles: each gets a fleet instance policy of its own
     * @param reservedConcurrency lifecycle-plan's reserved concurrency (the configuration's concurrency.lifecycle)
     * @param topic         where launch-guard says that it suspended a group's launches
     * @param releases      the blue/green releases table: the release pinned on each colour, which its launches deploy;
     *                      null in a member stack, which runs no blue/green release
     */
    public record Props(
            Path launchDefinition,
            Path drainDefinition,
            String name,
            KilnFunction.Code planCode,
            KilnFunction.Code releaseCode,
            KilnFunction.Code guardCode,
            IStringParameter config,
            IBucket artifacts,
            List<String> roles,
            int reservedConcurrency,
            ITopic topic,
            Table releases) {

        public Props {
            roles = List.copyOf(roles);
        }
    }

    private final Table actions;
    private final Table failedLaunches;
    private final KilnFunction plan;
    private final KilnFunction guard;
    private final KilnFunction release;
    private final StateMachine launch;
    private final StateMachine drain;
    private final Rule launching;
    private final Rule terminating;
    private final Map<String, ManagedPolicy> fleetInstancePolicies = new LinkedHashMap<>();

    public LifecycleWorkflows(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String releases = "/" + props.name() + "/releases/";
        String releaseParameters = parameterArn(stack, releases.substring(1) + "*");

        actions = KilnTables.keyedBy(this, "Actions", "token", RemovalPolicy.DESTROY)
                .timeToLiveAttribute("expiresAt")
                .build();

        failedLaunches = KilnTables.keyedBy(this, "FailedLaunches", "group", RemovalPolicy.DESTROY).build();

        plan = new KilnFunction(this, "Plan", new KilnFunction.Props("kiln-lifecycle-plan", props.planCode(),
                "Plans a lifecycle action: the instance's role and release, and the commands to run on it", planEnvironment(props, releases),
                1024, Duration.seconds(60)))
                // every launch waits for it: other functions can never take its concurrency away
                .reserveConcurrency(props.reservedConcurrency());
        props.config().grantRead(plan.function());
        actions.grant(plan.function(), "dynamodb:PutItem", "dynamodb:GetItem");
        if (props.releases() != null) {
            props.releases().grant(plan.function(), "dynamodb:GetItem");
        }
        plan.function().addToRolePolicy(allow(List.of("ssm:GetParameter"), releaseParameters));
        plan.function().addToRolePolicy(allow(List.of("ec2:DescribeInstances"), "*"));

        guard = new KilnFunction(this, "Guard", new KilnFunction.Props("kiln-launch-guard", props.guardCode(),
                "Counts a group's failed launches in a row; suspends its launches at the configured limit", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "FAILED_LAUNCHES_TABLE", failedLaunches.getTableName(),
                        "TOPIC_ARN", props.topic().getTopicArn()),
                1024, Duration.seconds(60)));
        props.config().grantRead(guard.function());
        failedLaunches.grant(guard.function(), "dynamodb:GetItem", "dynamodb:PutItem");
        guard.function().addToRolePolicy(kilnGroups("autoscaling:SuspendProcesses"));
        props.topic().grantPublish(guard.function());

        release = new KilnFunction(this, "Release", new KilnFunction.Props("kiln-release", props.releaseCode(),
                "Sets a role's release after checking its artifact; resumes the groups suspended on the one before", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "ARTIFACTS_BUCKET", props.artifacts().getBucketName(),
                        "RELEASE_PARAMETER_PREFIX", releases,
                        "FAILED_LAUNCHES_TABLE", failedLaunches.getTableName()),
                1024, Duration.minutes(5)));
        props.config().grantRead(release.function());
        props.artifacts().grantRead(release.function(), "releases/*");
        release.function().addToRolePolicy(allow(List.of("ssm:GetParameter", "ssm:PutParameter"), releaseParameters));
        failedLaunches.grant(release.function(), "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem");
        release.function().addToRolePolicy(kilnGroups("autoscaling:ResumeProcesses"));

        launch = stateMachine("Launch", props, props.launchDefinition(), "launch",
                "Deploys the role's release on a launching instance and checks it before it serves", Duration.hours(2));
        drain = stateMachine("Drain", props, props.drainDefinition(), "drain",
                "Drains a terminating instance and flushes its logs, then lets it go", Duration.hours(1));

        Queue undelivered = DeadLetters.queue(this, "UndeliveredActions", "the rules that start launch and drain");
        launching = rule("Launching", "EC2 Instance-launch Lifecycle Action", props.name() + "-launch", launch, undelivered,
                "An instance of a group with Kiln's launch hook waits: deploy and check it");
        terminating = rule("Terminating", "EC2 Instance-terminate Lifecycle Action", props.name() + "-drain", drain, undelivered,
                "An instance of a group with Kiln's drain hook is leaving: drain it and flush its logs");

        for (String role : props.roles()) {
            fleetInstancePolicies.put(role, fleetInstancePolicy(stack, props, role));
        }

        NagSuppressions.addResourceSuppressions(this, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Instances come and go, so their ids are not known in advance: describing them has no resource"
                        + " level, Run Command is limited to instances tagged kiln:role, and lifecycle actions and"
                        + " suspending and resuming launches to groups tagged kiln:role (whose names Kiln does not"
                        + " know); releases, env secrets and parameters, and log objects are limited to Kiln's"
                        + " prefixes, whose last part names a role or a release.")
                .build()), true);
    }

    private Map<String, String> planEnvironment(Props props, String releases) {
        Map<String, String> environment = new TreeMap<>(Map.of(
                "CONFIG_PARAMETER", props.config().getParameterName(),
                "ACTIONS_TABLE", actions.getTableName(),
                "ARTIFACTS_BUCKET", props.artifacts().getBucketName(),
                "RELEASE_PARAMETER_PREFIX", releases,
                "ENV_SECRET_PREFIX", props.name() + "/env/",
                "ENV_PARAMETER_PREFIX", "/" + props.name() + "/env/"));
        if (props.releases() != null) {
            environment.put("RELEASES_TABLE", props.releases().getTableName());
        }
        return environment;
    }

    /**
     * What the instances of one role's fleet need for launch and drain, and nothing of another role's:
     * that role's releases, env secret and parameters, and its launch and drain output.
     */
    private ManagedPolicy fleetInstancePolicy(Stack stack, Props props, String role) {
        String env = props.name() + "/env/" + role;
        Secret envSecret = envSecret(props, role, env);
        return ManagedPolicy.Builder.create(this, "FleetInstancePolicy" + pascal(role))
                .description("Attach to the instance role of role " + role + "'s fleets (with AmazonSSMManagedInstanceCore):"
                        + " read its releases, env secret and parameters; write its launch, drain and smoke check output")
                .statements(List.of(
                        allow(List.of("s3:GetObject"), props.artifacts().arnForObjects("releases/" + role + "/*")),
                        PolicyStatement.Builder.create().actions(List.of("s3:PutObject"))
                                .resources(List.of(props.artifacts().arnForObjects("logs/launch/" + role + "/*"),
                                        props.artifacts().arnForObjects("logs/drain/" + role + "/*"),
                                        // blue-green's smoke checks run on the idle colour's instances
                                        props.artifacts().arnForObjects("logs/blue-green/" + role + "/*"))).build(),
                        allow(List.of("secretsmanager:GetSecretValue"), envSecret.getSecretArn()),
                        PolicyStatement.Builder.create()
                                .actions(List.of("ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"))
                                .resources(List.of(parameterArn(stack, env), parameterArn(stack, env + "/*"))).build()))
                .build();
    }

    /**
     * The role's env secret, created empty so that it always exists: AWS checks a request for a secret that
     * does not exist against the name it was given, which no ARN in a policy matches, and so refuses it
     * (AccessDenied, not ResourceNotFound) to any policy narrower than {@code *}. Kept when the stack goes,
     * with the values people put in it.
     */
    private Secret envSecret(Props props, String role, String env) {
        Secret secret = Secret.Builder.create(this, "EnvSecret" + pascal(role))
                .secretName(env)
                .description("Role " + role + "'s environment: a JSON object of NAME: value that launch writes to"
                        + " /etc/kiln/" + role + ".env (parameters under /" + env + "/ too; the secret wins)")
                .secretStringValue(SecretValue.unsafePlainText("{}"))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(secret, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("It holds the application's settings, put here by its owners; what rotates them (if"
                        + " anything) is theirs, and a new value reaches instances as they launch.")
                .build()));
        return secret;
    }

    /** {@code web-api} → {@code WebApi}: a role's name in construct ids and output names. */
    public static String pascal(String role) {
        StringBuilder out = new StringBuilder();
        for (String part : role.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private StateMachine stateMachine(String id, Props props, Path definition, String workflow, String comment,
                                      Duration timeout) {
        boolean launch = workflow.equals("launch");
        Map<String, String> substitutions = launch
                ? Map.of("LifecyclePlanFunctionArn", plan.live().getFunctionArn(),
                        "LaunchGuardFunctionArn", guard.live().getFunctionArn(),
                        "FailedLaunchesTable", failedLaunches.getTableName())
                : Map.of("LifecyclePlanFunctionArn", plan.live().getFunctionArn());
        StateMachine machine = KilnStateMachines.create(this, id, id + "Logs", new KilnStateMachines.Definition(
                props.name() + "-" + workflow, comment, definition, substitutions, timeout));
        plan.live().grantInvoke(machine);
        if (launch) {
            guard.live().grantInvoke(machine);
            failedLaunches.grant(machine, "dynamodb:DeleteItem");
        }
        Stack stack = Stack.of(this);
        machine.addToRolePolicy(allow(List.of("ssm:DescribeInstanceInformation", "ssm:GetCommandInvocation"), "*"));
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:SendCommand"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ssm").account("")
                        .resource("document").resourceName("AWS-RunShellScript").build())))
                .build());
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:SendCommand"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ec2").resource("instance")
                        .resourceName("*").build())))
                .conditions(Map.of("Null", Map.of("ssm:resourceTag/kiln:role", "false")))
                .build());
        props.artifacts().grantPut(machine, "logs/" + workflow + "/*");
        machine.addToRolePolicy(kilnGroups("autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"));
        return machine;
    }

    /** Auto Scaling actions on the groups that opted in to Kiln (tagged {@code kiln:role}), and no others. */
    private static PolicyStatement kilnGroups(String... actions) {
        return PolicyStatement.Builder.create()
                .actions(List.of(actions))
                .resources(List.of("*"))
                .conditions(Map.of("Null", Map.of("autoscaling:ResourceTag/kiln:role", "false")))
                .build();
    }

    private Rule rule(String id, String detailType, String hook, StateMachine target, Queue undelivered, String description) {
        return Rule.Builder.create(this, id)
                .description(description)
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.autoscaling"))
                        .detailType(List.of(detailType))
                        .detail(Map.of("LifecycleHookName", List.of(hook)))
                        .build())
                .targets(List.of(SfnStateMachine.Builder.create(target)
                        .retryAttempts(8).maxEventAge(Duration.hours(1)).deadLetterQueue(undelivered).build()))
                .build();
    }

    private static String parameterArn(Stack stack, String name) {
        return stack.formatArn(ArnComponents.builder().service("ssm").resource("parameter").resourceName(name).build());
    }

    public Table actions() {
        return actions;
    }

    public KilnFunction plan() {
        return plan;
    }

    public KilnFunction guard() {
        return guard;
    }

    public Table failedLaunches() {
        return failedLaunches;
    }

    public KilnFunction release() {
        return release;
    }

    public StateMachine launch() {
        return launch;
    }

    public StateMachine drain() {
        return drain;
    }

    public Rule launching() {
        return launching;
    }

    public Rule terminating() {
        return terminating;
    }

    /** Each role's fleet instance policy, by role name. */
    public Map<String, ManagedPolicy> fleetInstancePolicies() {
        return Collections.unmodifiableMap(fleetInstancePolicies);
    }
}
