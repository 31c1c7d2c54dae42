package dev.kiln.lifecycleplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.workflow.Poll;
import dev.kiln.common.release.InstanceCommands;
import dev.kiln.common.release.Release;
import dev.kiln.lifecycleplan.errors.InvalidLifecycleEventException;
import dev.kiln.lifecycleplan.errors.UnknownInstanceRoleException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plans for the lifecycle samples in events/aws.autoscaling/ and the example configuration. */
class LifecyclePlanServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T09:30:05Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-launch:e1";
    private static final String INSTANCE = "i-1234567890abcdef0";
    private static final Config CONFIG = new Config("/kiln/config", "kiln-actions", "kiln-artifacts",
            "/kiln/releases/", "kiln/env/", "/kiln/env/", "kiln-releases");
    private static final Release RELEASE = new Release("web", "1.4.2",
            "s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz", "a".repeat(64), null);
    private static final InstanceCommands INSTANCE_COMMANDS = new InstanceCommands(InstanceCommands.Paths.DEFAULT);

    private final Map<String, Map<String, String>> tags = new HashMap<>(Map.of(INSTANCE, Map.of("kiln:role", "web")));
    private final Map<String, Release> releases = new HashMap<>(Map.of("web", RELEASE));
    private final Map<String, String> claims = new HashMap<>();
    private final Map<String, String> pinned = new HashMap<>();
    private KilnConfig configured = config();

    private final LifecyclePlanService service = new LifecyclePlanService(() -> configured,
            role -> Optional.ofNullable(releases.get(role)),
            (role, colour) -> Optional.ofNullable(pinned.get(role + "#" + colour)),
            instanceId -> Optional.ofNullable(tags.get(instanceId)),
            (token, instanceId, executionArn, now) -> Optional.ofNullable(claims.putIfAbsent(token, executionArn))
                    .filter(holder -> !holder.equals(executionArn)),
            CONFIG);

    private static KilnConfig config() {
        try {
            return KilnConfigJson.read(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode sample(String name) {
        try (InputStream in = LifecyclePlanServiceTest.class.getResourceAsStream("/events/aws.autoscaling/" + name)) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private LifecyclePlan plan(String sample, String workflow) {
        return service.plan(LifecycleEvent.parse(sample(sample)), workflow, EXECUTION, "e1", NOW);
    }

    @Test
    void shouldPlanALaunchThatDeploysTheReleaseStartsAndChecksIt() {
        LifecyclePlan plan = plan("launch-lifecycle-action.json", "launch");

        assertThat(plan.duplicate()).isFalse();
        assertThat(plan.phase()).isEqualTo("finish");
        assertThat(plan.role()).isEqualTo("web");
        assertThat(plan.action()).isEqualTo(new LifecyclePlan.Action("my-asg", "kiln-launch",
                "87654321-4321-4321-4321-210987654321", INSTANCE));
        assertThat(plan.release()).isEqualTo(new LifecyclePlan.InstalledRelease("1.4.2", "a".repeat(64), RELEASE.artifact()));

        LifecyclePlan.Commands commands = plan.commands();
        List<String> start = commands.start().parameters().get("commands");
        assertThat(start).containsSequence(INSTANCE_COMMANDS.writeEnv("web", "kiln/env/web", "/kiln/env/web/"));
        assertThat(start).containsSequence(INSTANCE_COMMANDS.restart("nginx"));
        assertThat(commands.install().parameters().get("commands"))
                .startsWith(INSTANCE_COMMANDS.install(RELEASE, InstanceCommands.Phase.DEPLOY).toArray(String[]::new))
                .endsWith(start.toArray(String[]::new));
        assertThat(commands.health().parameters().get("commands")).contains("  if curl -fsS -o /dev/null --max-time 5 'http://127.0.0.1/healthz'; then");
        assertThat(commands.inspect().parameters().get("commands")).containsExactly("cat '/etc/kiln/release.json' 2>/dev/null || echo '{}'");
        assertThat(commands.drain()).isNull();
        assertThat(commands.install().outputPrefix()).isEqualTo("logs/launch/web/" + INSTANCE + "/e1/install");
        assertThat(commands.install().failure()).isEqualTo("Kiln.InstallFailed");
        assertThat(commands.health().failure()).isEqualTo("Kiln.HealthCheckFailed");
        assertThat(plan.logs().uri()).isEqualTo("s3://kiln-artifacts/logs/launch/web/" + INSTANCE + "/e1/");
    }

    /** The example configuration with role web released blue/green: my-asg (the samples' group) is its green colour. */
    private static KilnConfig blueGreen() {
        String listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
        String targets = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/";
        try {
            ObjectNode document = (ObjectNode)
                    Json.MAPPER.readTree(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json")));
            JsonNode blueGreen = Json.MAPPER.readTree("""
                    {"listenerArn": "%s", "previewCidrs": ["203.0.113.10/32"],
                     "blue": {"group": "web-blue", "targetGroupArn": "%sweb-blue/73e2d6bc24d8a067"},
                     "green": {"group": "my-asg", "targetGroupArn": "%sweb-green/5f3c7e1a9b2d4c60"}}"""
                    .formatted(listener, targets, targets));
            document.withArray("roles").forEach(role -> {
                if (role.path("name").asText().equals("web")) {
                    ((ObjectNode) role).set("blueGreen", blueGreen);
                }
            });
            return KilnConfigJson.read(document.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldDeployTheReleasePinnedOnItsColourToAnInstanceOfABlueGreenGroup() {
        configured = blueGreen();
        Release pinnedRelease = new Release("web", "1.5.0", "s3://kiln-artifacts/releases/web/app-1.5.0.tar.gz", "b".repeat(64), null);
        pinned.put("web#green", pinnedRelease.toJson());

        LifecyclePlan plan = plan("launch-lifecycle-action.json", "launch");

        assertThat(plan.release()).isEqualTo(new LifecyclePlan.InstalledRelease("1.5.0", "b".repeat(64), pinnedRelease.artifact()));
    }

    @Test
    void shouldDeployNoReleaseToAColourWhoseBlueGreenReleasePinnedNone() {
        configured = blueGreen();
        pinned.put("web#green", "");

        assertThat(plan("launch-lifecycle-action.json", "launch").release()).isNull();
    }

    @Test
    void shouldDeployTheRolesReleaseToAColourBeforeItsFirstBlueGreenReleaseOrToAnyOtherGroup() {
        configured = blueGreen();
        pinned.put("web#blue", new Release("web", "0.9.0", "s3://kiln-artifacts/releases/web/app-0.9.0.tar.gz", "c".repeat(64), null)
                .toJson());

        assertThat(plan("launch-lifecycle-action.json", "launch").release().version()).isEqualTo("1.4.2");
    }

    @Test
    void shouldPrepareAnInstanceGoingIntoTheWarmPoolWithoutStartingOrCheckingIt() {
        LifecyclePlan plan = plan("warm-pool-launch-into-warm-pool.json", "launch");

        assertThat(plan.phase()).isEqualTo("prepare");
        assertThat(plan.commands().install().parameters().get("commands"))
                .isEqualTo(INSTANCE_COMMANDS.install(RELEASE, InstanceCommands.Phase.PREPARE));
        assertThat(plan.commands().start()).isNull();
        assertThat(plan.commands().health()).isNull();
    }

    @Test
    void shouldFinishAnInstanceLeavingTheWarmPoolLikeANewOne() {
        LifecyclePlan plan = plan("warm-pool-launch-from-warm-pool.json", "launch");

        assertThat(plan.phase()).isEqualTo("finish");
        assertThat(plan.commands().start()).isNotNull();
        assertThat(plan.commands().health()).isNotNull();
    }

    @Test
    void shouldOnlyCheckHealthWhenTheRoleHasNoReleaseButAService() {
        releases.clear();

        LifecyclePlan plan = plan("launch-lifecycle-action.json", "launch");

        assertThat(plan.release()).isNull();
        assertThat(plan.commands().install()).isNull();
        assertThat(plan.commands().start()).isNotNull();
        assertThat(plan.commands().health()).isNotNull();
    }

    @Test
    void shouldRunNothingOnAnInstanceOfARoleWithNothingToDeploy() {
        tags.put(INSTANCE, Map.of("kiln:role", "base"));

        LifecyclePlan plan = plan("launch-lifecycle-action.json", "launch");

        assertThat(plan.role()).isEqualTo("base");
        assertThat(plan.commands().install()).isNull();
        assertThat(plan.commands().start()).isNull();
        assertThat(plan.commands().health()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"terminate-lifecycle-action.json", "warm-pool-terminate-into-warm-pool.json"})
    void shouldPlanADrainWithTheRolesCommandsWithinItsBound(String sample) {
        LifecyclePlan plan = plan(sample, "drain");

        assertThat(plan.phase()).isEqualTo("drain");
        assertThat(plan.action().LifecycleHookName()).isEqualTo("kiln-drain");
        assertThat(plan.commands().drain().parameters().get("commands"))
                .isEqualTo(INSTANCE_COMMANDS.drain(config().role("web").orElseThrow().drain()));
        assertThat(plan.commands().drain().parameters().get("executionTimeout")).containsExactly("135");
        assertThat(plan.commands().inspect()).isNull();
        assertThat(plan.release()).isNull();
    }

    @Test
    void shouldPlanNothingForAnActionAnotherExecutionHolds() {
        claims.put("87654321-4321-4321-4321-210987654321", "arn:aws:states:us-east-1:000000000000:execution:kiln-launch:first");

        LifecyclePlan plan = plan("launch-lifecycle-action.json", "launch");

        assertThat(plan.duplicate()).isTrue();
        assertThat(plan.heldBy()).endsWith(":first");
        assertThat(plan.commands()).isNull();
    }

    @Test
    void shouldPlanAgainForTheExecutionThatHoldsTheAction() {
        plan("launch-lifecycle-action.json", "launch");

        assertThat(plan("launch-lifecycle-action.json", "launch").duplicate()).isFalse();
    }

    @Test
    void shouldRefuseAnInstanceWithoutARoleOrWithARoleKilnDoesNotHave() {
        tags.put(INSTANCE, Map.of("Name", "web-1"));
        assertThatThrownBy(() -> plan("launch-lifecycle-action.json", "launch"))
                .isInstanceOf(UnknownInstanceRoleException.class)
                .hasMessage("instance " + INSTANCE + " has no kiln:role tag: tag its Auto Scaling group with kiln:role=<role>"
                        + " and PropagateAtLaunch true");

        tags.put(INSTANCE, Map.of("kiln:role", "api"));
        assertThatThrownBy(() -> plan("launch-lifecycle-action.json", "launch"))
                .hasMessageContaining("is tagged kiln:role=api, which is not a role in the Kiln configuration");

        tags.clear();
        assertThatThrownBy(() -> plan("launch-lifecycle-action.json", "launch")).hasMessage("there is no instance " + INSTANCE);
    }

    @Test
    void shouldRefuseAnEventMeantForTheOtherWorkflow() {
        assertThatThrownBy(() -> plan("terminate-lifecycle-action.json", "launch"))
                .isInstanceOf(InvalidLifecycleEventException.class)
                .hasMessage("this is an EC2 Instance-terminate Lifecycle Action event: start the drain workflow with it, not launch");
        assertThat(claims).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a shell in the instance id | EC2InstanceId        | i-123; reboot | detail.EC2InstanceId is missing or not valid: 'i-123; reboot'",
            "no token                   | LifecycleActionToken |               | detail.LifecycleActionToken is missing or not valid: ''",
            "a transition that is not   | LifecycleTransition  | autoscaling:EC2_INSTANCE_TERMINATING | detail.LifecycleTransition 'autoscaling:EC2_INSTANCE_TERMINATING' does not go with 'EC2 Instance-launch Lifecycle Action'",
            "an unknown destination     | Destination          | Elsewhere     | detail.Destination is missing or not valid: 'Elsewhere'"})
    void shouldRefuseAnEventWhoseFieldsAreNotWhatAutoScalingSends(String what, String field, String value, String message) {
        ObjectNode event = (ObjectNode) sample("launch-lifecycle-action.json");
        ((ObjectNode) event.get("detail")).put(field, value == null ? "" : value);

        assertThatThrownBy(() -> LifecycleEvent.parse(event)).as(what)
                .isInstanceOf(InvalidLifecycleEventException.class).hasMessage(message);
    }

    @Test
    void shouldAskAsOftenAsConfiguredAndStretchAWaitThatOutgrowsItsBudget() throws Exception {
        KilnConfig config = KilnConfigJson.read(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json"))
                .replace("\"timeoutMinutes\": 10", "\"timeoutMinutes\": 120"));

        LifecyclePlan.Polls polls = LifecyclePlanService.polls(config.role("web").orElseThrow());

        // every 15 s: Systems Manager for 10 minutes, inspect for 60 s, the health check's 20 x (3 + 5) + 30 s,
        // drain's 120 + 30 s; install and start may take 120 minutes, which at most 100 asks cover every 72 s
        assertThat(polls).isEqualTo(new LifecyclePlan.Polls(new Poll(15, 40), new Poll(15, 4), new Poll(72, 100),
                new Poll(72, 100), new Poll(15, 13), new Poll(15, 10), 60));
    }
}
