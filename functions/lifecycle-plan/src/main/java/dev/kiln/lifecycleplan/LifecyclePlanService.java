package dev.kiln.lifecycleplan;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfig.Role;
import dev.kiln.common.release.InstanceCommands;
import dev.kiln.common.release.InstanceCommands.Phase;
import dev.kiln.common.release.Release;
import dev.kiln.common.release.ReleaseSource;
import dev.kiln.common.workflow.Poll;
import dev.kiln.lifecycleplan.errors.InvalidLifecycleEventException;
import dev.kiln.lifecycleplan.errors.UnknownInstanceRoleException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans one lifecycle action: which workflow and phase, the instance's role (its {@code kiln:role}
 * tag, which the group propagates at launch) and release, and the commands to run. A repeated event
 * for the same action token plans nothing: the execution that claimed it handles it.
 */
public record LifecyclePlanService(ConfigSource configs, ReleaseSource releases, Ports.ColourReleases colourReleases,
                                   Ports.Instances instances, Ports.Actions actions, Config settings) {

    static final String ROLE_TAG = "kiln:role";
    static final int INSPECT_SECONDS = 60;
    static final int HEARTBEAT_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(LifecyclePlanService.class);
    private static final InstanceCommands INSTANCE = new InstanceCommands(InstanceCommands.Paths.DEFAULT);

    /**
     * @param workflow      {@code launch} or {@code drain}: the state machine asking
     * @param executionName the asking execution's name, for the log location
     */
    public LifecyclePlan plan(LifecycleEvent event, String workflow, String executionArn, String executionName, Instant now) {
        String expected = event.kind() == LifecycleEvent.Kind.LAUNCH ? "launch" : "drain";
        if (!expected.equals(workflow)) {
            throw new InvalidLifecycleEventException("this is an " + event.kind().detailType + " event: start the "
                    + expected + " workflow with it, not " + workflow);
        }
        Optional<String> holder = actions.claim(event.lifecycleActionToken(), event.instanceId(), executionArn, now);
        if (holder.isPresent()) {
            LOG.info("Lifecycle action already handled by another execution; nothing to do",
                    entry("instanceId", event.instanceId()), entry("heldBy", holder.get()));
            return LifecyclePlan.duplicateOf(holder.get(), workflow, event.instanceId());
        }

        KilnConfig config = configs.current();
        Role role = role(config, event.instanceId());
        Optional<Release> release = workflow.equals("launch") ? release(role, event.autoScalingGroupName()) : Optional.empty();
        String phase = workflow.equals("drain") ? "drain" : event.intoWarmPool() ? "prepare" : "finish";

        String logPrefix = "logs/" + workflow + "/" + role.name() + "/" + event.instanceId() + "/" + executionName + "/";
        LifecyclePlan.Commands commands = workflow.equals("drain")
                ? drainCommands(role, logPrefix)
                : launchCommands(role, release, phase, logPrefix);
        LifecyclePlan plan = new LifecyclePlan(false, null, workflow, phase,
                new LifecyclePlan.Action(event.autoScalingGroupName(), event.lifecycleHookName(),
                        event.lifecycleActionToken(), event.instanceId()),
                event.instanceId(), role.name(),
                release.map(r -> new LifecyclePlan.InstalledRelease(r.version(), r.sha256(), r.artifact())).orElse(null),
                commands, polls(role),
                new LifecyclePlan.Logs(settings.artifactsBucket(), logPrefix,
                        "s3://" + settings.artifactsBucket() + "/" + logPrefix));
        LOG.info("Lifecycle action planned", entry("workflow", workflow), entry("phase", phase),
                entry("instanceId", event.instanceId()), entry("group", event.autoScalingGroupName()),
                entry("role", role.name()), entry("release", release.map(Release::version).orElse(null)));
        return plan;
    }

    /**
     * The release a launching instance of {@code group} deploys: for a colour of a blue/green role, the release its
     * last blue/green release pinned there (so the live colour keeps its release while the role's moves on);
     * otherwise, or before the role's first blue/green release, the role's.
     */
    private Optional<Release> release(Role role, String group) {
        Optional<KilnConfig.Colour> colour = Optional.ofNullable(role.blueGreen()).stream()
                .flatMap(blueGreen -> blueGreen.colours().stream()).filter(c -> c.group().equals(group)).findFirst();
        Optional<String> pinned = colour.flatMap(c -> colourReleases.pinned(role.name(), c.name()));
        if (pinned.isPresent()) {
            LOG.info("A colour of a blue/green role: its pinned release", entry("group", group), entry("colour", colour.get().name()));
            return pinned.get().isEmpty() ? Optional.empty() : Optional.of(Release.parse(pinned.get()));
        }
        return releases.current(role.name());
    }

    private Role role(KilnConfig config, String instanceId) {
        Map<String, String> tags = instances.tags(instanceId).orElseThrow(() ->
                new UnknownInstanceRoleException("there is no instance " + instanceId));
        String name = tags.get(ROLE_TAG);
        if (name == null) {
            throw new UnknownInstanceRoleException("instance " + instanceId + " has no " + ROLE_TAG + " tag: tag its"
                    + " Auto Scaling group with " + ROLE_TAG + "=<role> and PropagateAtLaunch true");
        }
        return config.role(name).orElseThrow(() -> new UnknownInstanceRoleException("instance " + instanceId
                + " is tagged " + ROLE_TAG + "=" + name + ", which is not a role in the Kiln configuration; its roles are "
                + config.roles().stream().map(Role::name).toList()));
    }

    private LifecyclePlan.Commands launchCommands(Role role, Optional<Release> release, String phase, String logPrefix) {
        boolean finish = phase.equals("finish");
        String service = role.deploy().service();
        boolean deployable = release.isPresent() || service != null;
        List<String> start = new ArrayList<>();
        if (finish && deployable) {
            start.addAll(INSTANCE.writeEnv(role.name(), settings.envSecretPrefix() + role.name(),
                    settings.envParameterPrefix() + role.name() + "/"));
            if (service != null) {
                start.addAll(INSTANCE.restart(service));
            }
        }
        String deploySeconds = String.valueOf(role.deploy().timeoutMinutes() * 60);
        LifecyclePlan.Command install = release.map(r -> {
            List<String> lines = new ArrayList<>(INSTANCE.install(r, finish ? Phase.DEPLOY : Phase.PREPARE));
            lines.addAll(start);
            return command("install", lines, deploySeconds, logPrefix, "Kiln.InstallFailed");
        }).orElse(null);
        return new LifecyclePlan.Commands(
                command("inspect", INSTANCE.inspect(), String.valueOf(INSPECT_SECONDS), logPrefix, "Kiln.InspectFailed"),
                install,
                start.isEmpty() ? null : command("start", start, deploySeconds, logPrefix, "Kiln.StartFailed"),
                finish && role.deploy().healthCheck() != null
                        ? command("health", INSTANCE.health(role.deploy().healthCheck()),
                                String.valueOf(healthSeconds(role.deploy().healthCheck())), logPrefix, "Kiln.HealthCheckFailed")
                        : null,
                null);
    }

    private static LifecyclePlan.Commands drainCommands(Role role, String logPrefix) {
        KilnConfig.Drain drain = role.drain();
        boolean anything = drain.command() != null || drain.flushCommand() != null;
        return new LifecyclePlan.Commands(null, null, null, null, anything
                ? command("drain", INSTANCE.drain(drain), String.valueOf(drain.timeoutSeconds() + 15), logPrefix, "Kiln.DrainFailed")
                : null);
    }

    private static int healthSeconds(KilnConfig.HealthCheck check) {
        return check.attempts() * (check.intervalSeconds() + 5) + 30;
    }

    private static LifecyclePlan.Command command(String step, List<String> lines, String timeout, String logPrefix,
                                                 String failure) {
        return new LifecyclePlan.Command(step, Map.of("commands", lines, "executionTimeout", List.of(timeout)),
                logPrefix + step, failure);
    }

    /**
     * How a lifecycle action of this role waits: every builder.pollSeconds, or less often when a timeout
     * outgrows its budget; a heartbeat every {@link #HEARTBEAT_SECONDS} of waiting.
     */
    public static LifecyclePlan.Polls polls(Role role) {
        int shortest = role.builder().pollSeconds();
        int deploySeconds = role.deploy().timeoutMinutes() * 60;
        return new LifecyclePlan.Polls(
                poll(role.builder().ssmTimeoutMinutes() * 60, shortest),
                poll(INSPECT_SECONDS, shortest),
                poll(deploySeconds, shortest),
                poll(deploySeconds, shortest),
                poll(role.deploy().healthCheck() == null ? shortest : healthSeconds(role.deploy().healthCheck()), shortest),
                poll(role.drain().timeoutSeconds() + 30, shortest),
                HEARTBEAT_SECONDS);
    }

    private static Poll poll(int seconds, int shortest) {
        return Poll.covering(seconds, shortest, LifecyclePlan.Polls.MAX_CHECKS);
    }
}
