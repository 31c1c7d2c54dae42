package dev.kiln.infra;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.infra.constructs.AnnounceAndPatchWorkflows;
import dev.kiln.infra.constructs.ArtifactStore;
import dev.kiln.infra.constructs.BakeFollowUps;
import dev.kiln.infra.constructs.BlueGreenWorkflow;
import dev.kiln.infra.constructs.DeadLetters;
import dev.kiln.infra.constructs.DistributeWorkflow;
import dev.kiln.infra.constructs.BakeTables;
import dev.kiln.infra.constructs.BakeWorkflow;
import dev.kiln.infra.constructs.BuilderAccess;
import dev.kiln.infra.constructs.PushWorkflow;
import dev.kiln.infra.constructs.KilnFunction;
import dev.kiln.infra.constructs.LifecycleWorkflows;
import dev.kiln.infra.constructs.RotateWorkflow;
import dev.kiln.infra.constructs.Notifications;
import dev.kiln.infra.constructs.Operations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.ssm.ParameterTier;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/** Everything one Kiln deployment consists of. */
public final class KilnStack extends Stack {

    /** SSM's limit for an advanced parameter's value. */
    static final int CONFIG_LIMIT_BYTES = 8192;

    /**
     * @param name   the deployment's name: the event bus is called this, every state machine starts with
     *               {@code name-}, SSM parameters live under {@code /name/}
     * @param layout where the function archives and state machine definitions are
     * @param config the deployment's configuration, already read and checked
     */
    public record Settings(String name, RepositoryLayout layout, KilnConfig config) {

        public Settings {
            if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
                throw new IllegalArgumentException("kiln:name must be lower-case letters, digits and dashes"
                        + " (at most 31, starting with a letter), got '" + name + "'");
            }
        }

        public String stateMachinePrefix() {
            return name + "-";
        }

        public String parameterPrefix() {
            return "/" + name + "/";
        }
    }

    private final Notifications notifications;
    private final EventBus bus;
    private final BakeWorkflow bake;
    private final BakeFollowUps followUps;
    private final PushWorkflow github;
    private final LifecycleWorkflows lifecycle;
    private final AnnounceAndPatchWorkflows advisories;
    private final RotateWorkflow rotation;
    private final BlueGreenWorkflow blueGreen;
    private final DistributeWorkflow distribution;
    private final Operations operations;

    public KilnStack(Construct scope, String id, Settings settings) {
        super(scope, id, StackProps.builder()
                .description("Kiln: golden AMIs, patched and rotated fleets, with no standing server")
                .build());
        RepositoryLayout layout = settings.layout();

        bus = EventBus.Builder.create(this, "Bus").eventBusName(settings.name()).build();

        notifications = new Notifications(this, "Notifications", new Notifications.Props(
                new KilnFunction.Code(layout.functionArchive("notify"), "dev.kiln.notify.NotifyHandler"),
                settings.stateMachinePrefix()));

        StringParameter config = configParameter(this, settings.parameterPrefix(), settings.config());

        ArtifactStore artifacts = new ArtifactStore(this, "Artifacts");
        BakeTables tables = new BakeTables(this, "BakeTables");
        BuilderAccess builders = new BuilderAccess(this, "Builders",
                new BuilderAccess.Props(settings.config().builder().vpcId(), artifacts.bucket()));
        bake = new BakeWorkflow(this, "Bake", new BakeWorkflow.Props(
                layout.stateMachine("bake"),
                settings.name(),
                new KilnFunction.Code(layout.functionArchive("bake-plan"), "dev.kiln.bakeplan.BakePlanHandler"),
                new KilnFunction.Code(layout.functionArchive("source-fetch"), "dev.kiln.sourcefetch.SourceFetchHandler"),
                new KilnFunction.Code(layout.functionArchive("bake-record"), "dev.kiln.bakerecord.BakeRecordHandler"),
                new KilnFunction.Code(layout.functionArchive("bake-cleanup"), "dev.kiln.bakecleanup.BakeCleanupHandler"),
                tables, artifacts, builders, config, bus, settings.parameterPrefix() + "images/",
                settings.parameterPrefix() + "releases/", builderSubnets(settings.config())));
        followUps = new BakeFollowUps(this, "BakeFollowUps", new BakeFollowUps.Props(settings.name(), settings.config().rebuild(),
                new KilnFunction.Code(layout.functionArchive("bake-children"), "dev.kiln.bakechildren.BakeChildrenHandler"),
                new KilnFunction.Code(layout.functionArchive("builder-reaper"), "dev.kiln.builderreaper.BuilderReaperHandler"),
                new KilnFunction.Code(layout.functionArchive("image-retention"), "dev.kiln.imageretention.ImageRetentionHandler"),
                bake.stateMachine(), settings.name() + "-bake", tables, config, bus, notifications.topic(),
                settings.parameterPrefix() + "images/", settings.config().distribution()));
        github = new PushWorkflow(this, "GitHub", new PushWorkflow.Props(
                new KilnFunction.Code(layout.functionArchive("github-webhook"), "dev.kiln.githubwebhook.GitHubWebhookHandler"),
                layout.stateMachine("push"), settings.name(), config, bus, bake.stateMachine(), settings.name() + "-bake",
                settings.config().concurrency().webhook()));

        blueGreen = new BlueGreenWorkflow(this, "BlueGreen", new BlueGreenWorkflow.Props(
                layout.stateMachine("blue-green"), settings.name(),
                new KilnFunction.Code(layout.functionArchive("blue-green-plan"), "dev.kiln.bluegreenplan.BlueGreenPlanHandler"),
                new KilnFunction.Code(layout.functionArchive("blue-green-check"), "dev.kiln.bluegreencheck.BlueGreenCheckHandler"),
                new KilnFunction.Code(layout.functionArchive("blue-green-approval"), "dev.kiln.bluegreenapproval.BlueGreenApprovalHandler"),
                new KilnFunction.Code(layout.functionArchive("blue-green-decide"), "dev.kiln.bluegreendecide.BlueGreenDecideHandler"),
                settings.config().roles(), config, tables, artifacts.bucket(), bus, notifications.topic(),
                settings.parameterPrefix() + "releases/", settings.config().concurrency().webhook()));

        lifecycle = FleetWorkflows.lifecycle(this, layout, settings.name(), config, artifacts.bucket(),
                settings.config().roles().stream().map(KilnConfig.Role::name).toList(),
                settings.config().concurrency().lifecycle(), notifications.topic(), blueGreen.releases());

        advisories = new AnnounceAndPatchWorkflows(this, "Advisories", new AnnounceAndPatchWorkflows.Props(
                new KilnFunction.Code(layout.functionArchive("advisory-feed"), "dev.kiln.advisoryfeed.AdvisoryFeedHandler"),
                new KilnFunction.Code(layout.functionArchive("patch-plan"), "dev.kiln.patchplan.PatchPlanHandler"),
                new KilnFunction.Code(layout.functionArchive("patch-report"), "dev.kiln.patchreport.PatchReportHandler"),
                layout.stateMachine("announce"), layout.stateMachine("patch"), settings.name(),
                settings.config().advisories().feeds(), settings.config().advisories().everyMinutes(), config, bus, bake.stateMachine(), settings.name() + "-bake",
                tables, notifications.topic()));

        rotation = FleetWorkflows.rotation(this, layout, settings.name(), settings.config().rotation(), config,
                new RotateWorkflow.Published(tables), advisories.ledger(), artifacts.bucket(), bus, notifications.topic());

        distribution = new DistributeWorkflow(this, "Distribution", new DistributeWorkflow.Props(
                layout.stateMachine("distribute"), settings.name(),
                new KilnFunction.Code(layout.functionArchive("distribute-plan"), "dev.kiln.distributeplan.DistributePlanHandler"),
                new KilnFunction.Code(layout.functionArchive("distribute-region"), "dev.kiln.distributeregion.DistributeRegionHandler"),
                settings.config().distribution(), config, tables, bus, settings.parameterPrefix() + "images/"));

        DeadLetters.watchAll(this, settings.name(), notifications.topic());
        // last: it watches every function and queue above
        operations = new Operations(this, "Operations", new Operations.Props(settings.name(), List.of(
                new Operations.Workflow("push", github.push()),
                new Operations.Workflow("bake", bake.stateMachine()),
                new Operations.Workflow("launch", lifecycle.launch()),
                new Operations.Workflow("drain", lifecycle.drain()),
                new Operations.Workflow("announce", advisories.announce()),
                new Operations.Workflow("patch", advisories.patch()),
                new Operations.Workflow("rotate", rotation.rotate()),
                new Operations.Workflow("blue-green", blueGreen.machine()),
                new Operations.Workflow("distribute", distribution.machine())),
                bake.stateMachine(), lifecycle.launch(), advisories.feed().function(),
                settings.config().advisories().everyMinutes(), settings.config().advisories().feeds(),
                notifications.topic()));

        output("EventBusName", bus.getEventBusName(), "Kiln's own events are put on this bus");
        output("NotificationTopicArn", notifications.topic().getTopicArn(),
                "Subscribe here (email, chat, queue) to hear about failed Kiln workflows");
        output("NotifyFunctionName", notifications.notifyFunction().live().getFunctionName(), "The notify function");
        output("BakeStateMachineArn", bake.stateMachine().getStateMachineArn(), "Start a bake by hand here");
        output("DistributeStateMachineArn", distribution.machine().getStateMachineArn(),
                "Distribute a role's image again by hand here: {\"role\": \"web\"}");
        output("ArtifactBucketName", artifacts.bucket().getBucketName(),
                "Source bundles (bundles/<sha>.tar.gz), bake logs and image manifests");
        output("BakesTableName", tables.bakes().getTableName(), "The bake ledger");
        output("ImagesTableName", tables.images().getTableName(), "Baked images and their package inventories");
        output("BuilderSecurityGroupId", builders.securityGroupId(), "Builders' security group (no inbound rule)");
        output("ReaperFunctionName", followUps.reaper().live().getFunctionName(), "Run it by hand to reap now");
        output("WebhookUrl", github.url().getUrl(),
                "GitHub webhook Payload URL (content type application/json or form, event: push)");
        output("WebhookSecretName", github.webhookSecret().getSecretName(),
                "The webhook's secret: paste its value into the webhook's settings on GitHub");
        output("DeliveriesTableName", github.deliveries().getTableName(), "GitHub deliveries answered, kept 30 days");
        output("WebhookFunctionName", github.webhook().live().getFunctionName(), "The github-webhook function");
        output("GitHubTokenSecretName", bake.githubToken().getSecretName(),
                "Put a GitHub token that can read the repository here (needed for private repositories)");
        output("PushStateMachineArn", github.push().getStateMachineArn(), "Starts the bakes of each accepted push");
        FleetWorkflows.outputs(this, settings.name(), lifecycle, rotation);
        output("AdvisoryFeedFunctionName", advisories.feed().live().getFunctionName(),
                "Reads the ALAS feeds on its schedule; invoke it to read them now");
        output("AdvisoriesTableName", advisories.ledger().getTableName(), "Every advisory Kiln has seen, and what it did");
        output("AnnounceStateMachineArn", advisories.announce().getStateMachineArn(),
                "One execution per announced advisory, named alas-<version>-<id>");
        output("PatchStateMachineArn", advisories.patch().getStateMachineArn(),
                "One execution per announced advisory: bakes the roles that carry it and asks for their rotation");
        output("BlueGreenStateMachineArn", blueGreen.machine().getStateMachineArn(),
                "Start a blue/green release of a role: {\"role\": \"web\"}");
        output("BlueGreenDecideFunctionName", blueGreen.decide().live().getFunctionName(),
                "Approve, reject or roll back a release: aws lambda invoke with {\"role\", \"decision\": approve|reject|rollback}");
        output("ApprovalPageUrl", blueGreen.page().getUrl(), "The page behind the approval links Kiln mails");
        output("ReleasesTableName", blueGreen.releases().getTableName(),
                "Blue/green: the release running per role, what each colour's launches deploy, the waits for a person");
        output("RetentionFunctionName", followUps.retention().live().getFunctionName(),
                "Run it by hand with {\"dryRun\": true} to see what retention would remove");
    }

    /** {@code <prefix>config}: the configuration, normalized, that the functions of a Kiln or member stack read. */
    static StringParameter configParameter(Stack stack, String parameterPrefix, KilnConfig kilnConfig) {
        String configJson = KilnConfigJson.write(kilnConfig);
        int configBytes = configJson.getBytes(StandardCharsets.UTF_8).length;
        if (configBytes > CONFIG_LIMIT_BYTES) {
            throw new IllegalArgumentException("the Kiln configuration is " + configBytes + " bytes once normalized;"
                    + " SSM parameters hold at most " + CONFIG_LIMIT_BYTES);
        }
        return StringParameter.Builder.create(stack, "Config")
                .parameterName(parameterPrefix + "config")
                .description("Kiln's configuration (normalized), read by its functions")
                .stringValue(configJson)
                .tier(configBytes > 4096 ? ParameterTier.ADVANCED : ParameterTier.STANDARD)
                .build();
    }

    /** The subnets builders run in: the configuration's, and those roles set for themselves. */
    private static List<String> builderSubnets(KilnConfig config) {
        return Stream.concat(Stream.of(config.builder()), config.roles().stream().map(KilnConfig.Role::builder))
                .filter(Objects::nonNull)
                .flatMap(builder -> builder.subnetIds().stream())
                .distinct()
                .toList();
    }

    private void output(String id, String value, String description) {
        FleetWorkflows.output(this, id, value, description);
    }

    public Notifications notifications() {
        return notifications;
    }

    public EventBus bus() {
        return bus;
    }

    public BakeWorkflow bake() {
        return bake;
    }

    public BakeFollowUps followUps() {
        return followUps;
    }

    public PushWorkflow github() {
        return github;
    }

    public LifecycleWorkflows lifecycle() {
        return lifecycle;
    }

    public DistributeWorkflow distribution() {
        return distribution;
    }

    public RotateWorkflow rotation() {
        return rotation;
    }

    public BlueGreenWorkflow blueGreen() {
        return blueGreen;
    }

    public Operations operations() {
        return operations;
    }
}
