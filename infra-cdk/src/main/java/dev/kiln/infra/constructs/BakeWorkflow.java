package dev.kiln.infra.constructs;

import static dev.kiln.infra.constructs.Statements.allow;
import static dev.kiln.infra.constructs.Statements.ec2;
import static dev.kiln.infra.constructs.Statements.onKilnBuild;
import static dev.kiln.infra.constructs.Statements.shared;

import dev.kiln.common.GitHubToken;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The bake state machine (statemachines/bake.asl.json) and the functions it calls: bake-plan first,
 * source-fetch next (the commit's tarball from the GitHub API, with the token in this construct's
 * secret), bake-record once the image is available, bake-cleanup whenever a step fails. Its role may
 * launch, stop and terminate builders, make images and pin launch template versions, and little else:
 * mutating EC2 calls are limited to resources that carry Kiln's tags.
 */
public final class BakeWorkflow extends Construct {

    private static final String BUILD_REQUEST_TAG = "aws:RequestTag/kiln:build-id";
    /** Room in /tmp for a tarball of the largest allowed size (source-fetch's MAX_BUNDLE_BYTES); more than SnapStart allows. */
    static final int SOURCE_FETCH_STORAGE_MB = 1024;

    /**
     * @param definition         statemachines/bake.asl.json
     * @param name               the deployment's name; the state machine is {@code <name>-bake}
     * @param imagePointerPrefix e.g. {@code /kiln/images/}
     * @param releasePrefix      e.g. {@code /kiln/releases/}: a role's current release is baked into its image
     * @param builderSubnetIds   every subnet a builder may run in (the configuration's and its roles' overrides)
     */
    public record Props(
            Path definition,
            String name,
            KilnFunction.Code planCode,
            KilnFunction.Code sourceFetchCode,
            KilnFunction.Code recordCode,
            KilnFunction.Code cleanupCode,
            BakeTables tables,
            ArtifactStore artifacts,
            BuilderAccess builders,
            IStringParameter config,
            IEventBus bus,
            String imagePointerPrefix,
            String releasePrefix,
            List<String> builderSubnetIds) {

        public Props {
            builderSubnetIds = List.copyOf(builderSubnetIds);
        }
    }

    private final StateMachine stateMachine;
    private final KilnFunction plan;
    private final KilnFunction sourceFetch;
    private final Secret githubToken;
    private final KilnFunction record;
    private final KilnFunction cleanup;

    public BakeWorkflow(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String machineName = props.name() + "-bake";
        String executions = arn(stack, "states", "execution", machineName + ":*");
        String bakesTable = props.tables().bakes().getTableName();

        plan = new KilnFunction(this, "Plan", new KilnFunction.Props("kiln-bake-plan", props.planCode(),
                "Checks a bake's input, claims the bake and plans it", Map.of(
                        "CONFIG_PARAMETER", props.config().getParameterName(),
                        "BAKES_TABLE", bakesTable,
                        "ARTIFACTS_BUCKET", props.artifacts().bucket().getBucketName(),
                        "BUILDER_SECURITY_GROUP_ID", props.builders().securityGroupId(),
                        "BUILDER_INSTANCE_PROFILE_ARN", props.builders().instanceProfile().getInstanceProfileArn(),
                        "IMAGE_POINTER_PREFIX", props.imagePointerPrefix(),
                        "RELEASE_PARAMETER_PREFIX", props.releasePrefix(),
                        "EVENT_BUS_NAME", props.bus().getEventBusName()),
                1024, Duration.seconds(60)));
        props.config().grantRead(plan.function());
        props.tables().bakes().grantReadWriteData(plan.function());
        plan.function().addToRolePolicy(allow(List.of("states:DescribeExecution"), executions));
        plan.function().addToRolePolicy(allow(List.of("ssm:GetParameter"),
                arn(stack, "ssm", "parameter", props.releasePrefix().substring(1) + "*")));

        githubToken = Secret.Builder.create(this, "GitHubToken")
                .secretName(props.name() + "/github-token")
                .description("A GitHub token that can read the repository's contents; '" + GitHubToken.NONE
                        + "' fetches without one (public repositories only)")
                .secretStringValue(SecretValue.unsafePlainText(GitHubToken.NONE))
                .build();
        sourceFetch = new KilnFunction(this, "SourceFetch", new KilnFunction.Props("kiln-source-fetch",
                props.sourceFetchCode(), "Puts a commit's tarball from the GitHub API into the artifact bucket, once",
                Map.of("CONFIG_PARAMETER", props.config().getParameterName(),
                        "GITHUB_TOKEN_SECRET_ID", githubToken.getSecretArn()),
                1024, Duration.minutes(5))).scratchSpace(SOURCE_FETCH_STORAGE_MB);
        props.config().grantRead(sourceFetch.function());
        githubToken.grantRead(sourceFetch.function());
        // reading with List (so a missing bundle is a 404, not a 403), writing new bundles only
        props.artifacts().bucket().grantRead(sourceFetch.function(), "bundles/*");
        props.artifacts().bucket().grantPut(sourceFetch.function(), "bundles/*");
        NagSuppressions.addResourceSuppressions(githubToken, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("The token is issued by GitHub to the person who sets Kiln up; it is rotated there and put"
                        + " here by them, so Secrets Manager cannot rotate it.")
                .build()));

        record = new KilnFunction(this, "Record", new KilnFunction.Props("kiln-bake-record", props.recordCode(),
                "Records a baked image: inventory, manifest, step durations, and whether to publish it", Map.of(
                        "BAKES_TABLE", bakesTable,
                        "IMAGES_TABLE", props.tables().images().getTableName()),
                1024, Duration.seconds(120)));
        props.artifacts().bucket().grantRead(record.function(), "logs/*");
        props.artifacts().bucket().grantPut(record.function(), "manifests/*");
        props.tables().images().grantWriteData(record.function());
        props.tables().bakes().grantReadWriteData(record.function());
        record.function().addToRolePolicy(allow(List.of("states:GetExecutionHistory"), executions));

        cleanup = new KilnFunction(this, "Cleanup", new KilnFunction.Props("kiln-bake-cleanup", props.cleanupCode(),
                "Cleans up after a failed bake: builder, partial images, snapshots", Map.of("BAKES_TABLE", bakesTable),
                512, Duration.seconds(120)));
        props.tables().bakes().grantReadWriteData(cleanup.function());
        cleanup.function().addToRolePolicy(allow(List.of("states:GetExecutionHistory"), executions));
        cleanup.function().addToRolePolicy(allow(
                List.of("ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeSnapshots"), "*"));
        // CreateImage tags the snapshots as it makes them, so even a half-made image's are Kiln's by tag
        cleanup.function().addToRolePolicy(onKilnBuild(List.of(
                "ec2:TerminateInstances", "ec2:CreateTags", "ec2:DeregisterImage", "ec2:DeleteSnapshot")));

        stateMachine = KilnStateMachines.create(this, "StateMachine", "Logs", new KilnStateMachines.Definition(
                machineName, "Bakes one role's golden image from one commit", props.definition(),
                Map.of("BakePlanFunctionArn", plan.live().getFunctionArn(),
                        "SourceFetchFunctionArn", sourceFetch.live().getFunctionArn(),
                        "BakeRecordFunctionArn", record.live().getFunctionArn(),
                        "BakeCleanupFunctionArn", cleanup.live().getFunctionArn(),
                        "BakesTable", bakesTable,
                        "EventBusName", props.bus().getEventBusName()),
                Duration.hours(48)));

        plan.live().grantInvoke(stateMachine);
        sourceFetch.live().grantInvoke(stateMachine);
        record.live().grantInvoke(stateMachine);
        cleanup.live().grantInvoke(stateMachine);
        props.tables().bakes().grant(stateMachine, "dynamodb:UpdateItem");
        props.bus().grantPutEventsTo(stateMachine);
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:PassRole"))
                .resources(List.of(props.builders().role().getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                .build());

        String pointers = arn(stack, "ssm", "parameter", props.imagePointerPrefix().substring(1) + "*");
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:GetParameter"))
                .resources(List.of(pointers, stack.formatArn(ArnComponents.builder().service("ssm").account("")
                        .resource("parameter").resourceName("aws/service/ami-amazon-linux-latest/*").build())))
                .build());
        stateMachine.addToRolePolicy(allow(List.of("ssm:PutParameter"), pointers));
        stateMachine.addToRolePolicy(allow(List.of("ec2:DescribeInstances", "ec2:DescribeImages",
                "ec2:DescribeLaunchTemplates", "ssm:DescribeInstanceInformation", "ssm:GetCommandInvocation"), "*"));
        // a builder: a Kiln build (instance and volume tagged as one) from any image, into the builders'
        // subnets and security group only
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:RunInstances"))
                .resources(List.of(ec2(stack, "instance/*"), ec2(stack, "volume/*")))
                .conditions(Map.of("Null", Map.of(BUILD_REQUEST_TAG, "false")))
                .build());
        List<String> launchedWith = new ArrayList<>(List.of(ec2(stack, "network-interface/*"),
                ec2(stack, "spot-instances-request/*"), shared(stack, "image/*"),
                ec2(stack, "security-group/" + props.builders().securityGroupId())));
        props.builderSubnetIds().forEach(subnet -> launchedWith.add(ec2(stack, "subnet/" + subnet)));
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:RunInstances")).resources(launchedWith).build());
        // an image: of a builder only, the image and its snapshots tagged as a Kiln build
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateImage"))
                .resources(List.of(ec2(stack, "instance/*")))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:build-id", "false")))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateImage"))
                .resources(List.of(shared(stack, "image/*"), shared(stack, "snapshot/*")))
                .conditions(Map.of("Null", Map.of(BUILD_REQUEST_TAG, "false")))
                .build());
        // tags given at creation (RunInstances' and CreateImage's tag specifications), always a build's
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateTags"))
                .resources(List.of(ec2(stack, "instance/*"), ec2(stack, "volume/*"), shared(stack, "image/*"),
                        shared(stack, "snapshot/*")))
                // sorted: the same template every synthesis
                .conditions(new TreeMap<>(Map.of(
                        "StringEquals", Map.of("ec2:CreateAction", List.of("RunInstances", "CreateImage")),
                        "Null", Map.of(BUILD_REQUEST_TAG, "false"))))
                .build());
        stateMachine.addToRolePolicy(onKilnBuild(List.of(
                "ec2:StopInstances", "ec2:TerminateInstances", "ec2:CreateTags")));
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:CreateLaunchTemplateVersion"))
                .resources(List.of("*"))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:role", "false")))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:SendCommand"))
                .resources(List.of(stack.formatArn(ArnComponents.builder().service("ssm").account("")
                        .resource("document").resourceName("AWS-RunShellScript").build())))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:SendCommand"))
                .resources(List.of(arn(stack, "ec2", "instance", "*")))
                .conditions(Map.of("Null", Map.of("ssm:resourceTag/kiln:build-id", "false")))
                .build());
        stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:CreateServiceLinkedRole"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("iam:AWSServiceName", "spot.amazonaws.com")))
                .build());

        NagSuppressions.addResourceSuppressions(this, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Builders, their images and snapshots are made at bake time, so their ids are not known in"
                        + " advance: launching and imaging need '*', and every call that changes or removes an"
                        + " existing resource is limited to resources tagged kiln:build-id (launch templates:"
                        + " kiln:role). Parameters, objects and executions are limited to Kiln's own prefixes.")
                .build()), true);
    }

    /** An EC2 resource of this account, e.g. {@code instance/*}. */
    private static String arn(Stack stack, String service, String resource, String name) {
        return stack.formatArn(ArnComponents.builder().service(service).resource(resource).resourceName(name)
                .arnFormat("states".equals(service) ? ArnFormat.COLON_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public KilnFunction plan() {
        return plan;
    }

    public KilnFunction sourceFetch() {
        return sourceFetch;
    }

    public Secret githubToken() {
        return githubToken;
    }

    public KilnFunction record() {
        return record;
    }

    public KilnFunction cleanup() {
        return cleanup;
    }
}
