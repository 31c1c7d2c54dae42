package dev.kiln.launchguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.launch.FailedLaunches;
import dev.kiln.common.testing.InMemoryFailedLaunchLedger;
import dev.kiln.launchguard.errors.InvalidLaunchFailureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchGuardServiceTest {

    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    private static final String GROUP = "web-blue";

    private final Ledger ledger = new Ledger();
    private final List<String> suspensions = new ArrayList<>();
    private final List<String> subjects = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private int suspendAfter = 3;
    private RuntimeException suspendFails;

    private final LaunchGuardService service = new LaunchGuardService(() -> config(suspendAfter, 60), ledger,
            group -> {
                if (suspendFails != null) {
                    throw suspendFails;
                }
                suspensions.add(group);
            },
            (subject, message) -> {
                subjects.add(subject);
                messages.add(message);
                return "message-" + subjects.size();
            });

    @Test
    void shouldCountEachFailedLaunchAndSuspendTheGroupsLaunchesAtTheLimitSayingSoOnce() {
        assertThat(service.count(failure(1, "web"), NOW).outcome()).isEqualTo("counted");
        assertThat(service.count(failure(2, "web"), NOW.plusSeconds(30)).count()).isEqualTo(2);
        assertThat(suspensions).isEmpty();

        LaunchGuardService.Verdict third = service.count(failure(3, "web"), NOW.plusSeconds(60));

        assertThat(third.outcome()).isEqualTo("suspended");
        assertThat(third.messageId()).isEqualTo("message-1");
        assertThat(suspensions).containsExactly(GROUP);
        assertThat(subjects).containsExactly("Kiln suspended the launches of web-blue");
        assertThat(messages.get(0)).contains("3 launches in a row failed within 60 minutes", "Role           web",
                "Release        2.0.0", "Last failure   Kiln.InstallFailed: installing the release ended Failed",
                "Set a release of web other than 2.0.0",
                "aws autoscaling resume-processes --auto-scaling-group-name web-blue --scaling-processes Launch");
        FailedLaunches stored = ledger.items.get(GROUP);
        assertThat(stored.suspendedAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(stored.suspendedRelease()).isEqualTo("2.0.0");
    }

    @Test
    void shouldCountAFailureReportedTwiceOnce() {
        service.count(failure(1, "web"), NOW);

        LaunchGuardService.Verdict again = service.count(failure(1, "web"), NOW.plusSeconds(5));

        assertThat(again.outcome()).isEqualTo("ignored");
        assertThat(again.reason()).isEqualTo("already counted");
        assertThat(ledger.items.get(GROUP).count()).isEqualTo(1);
    }

    @Test
    void shouldNotCountInstancesLaunchedBeforeTheSuspensionAndNotifyNoMore() {
        for (int n = 1; n <= 3; n++) {
            service.count(failure(n, "web"), NOW.plusSeconds(n));
        }

        LaunchGuardService.Verdict straggler = service.count(failure(4, "web"), NOW.plusSeconds(10));

        assertThat(straggler.outcome()).isEqualTo("ignored");
        assertThat(straggler.reason()).startsWith("the instance was launched before Kiln suspended the group's launches");
        assertThat(subjects).hasSize(1);
        assertThat(ledger.items.get(GROUP).suspended()).isTrue();
    }

    @Test
    void shouldStartARunAgainWhenASuspendedGroupLaunchesAnInstanceAfterwards() {
        for (int n = 1; n <= 3; n++) {
            service.count(failure(n, "web"), NOW.plusSeconds(n));
        }

        LaunchGuardService.Verdict later = service.count(failure(5, "web", NOW.plusSeconds(600)), NOW.plusSeconds(700));

        assertThat(later.outcome()).as("someone resumed the group by hand").isEqualTo("counted");
        assertThat(later.count()).isEqualTo(1);
        assertThat(ledger.items.get(GROUP).suspended()).isFalse();
    }

    @Test
    void shouldNotCountInstancesLaunchedBeforeTheGroupWasResumed() {
        Instant resumed = NOW.plusSeconds(300);
        ledger.items.put(GROUP, new FailedLaunches(GROUP, "web", 0, resumed, resumed, Set.of(), "2.0.0", null,
                null, null, null, 7));

        assertThat(service.count(failure(1, "web", NOW.plusSeconds(200)), NOW.plusSeconds(310)).outcome()).isEqualTo("ignored");
        assertThat(service.count(failure(2, "web", NOW.plusSeconds(305)), NOW.plusSeconds(320)).count()).isEqualTo(1);
    }

    @Test
    void shouldStartTheCountAgainWhenTheRunIsOlderThanTheWindow() {
        service.count(failure(1, "web"), NOW);
        service.count(failure(2, "web"), NOW.plusSeconds(60));

        LaunchGuardService.Verdict late = service.count(failure(3, "web", NOW.plus(Duration.ofMinutes(61))),
                NOW.plus(Duration.ofMinutes(61)));

        assertThat(late.outcome()).isEqualTo("counted");
        assertThat(late.count()).isEqualTo(1);
        assertThat(suspensions).isEmpty();
    }

    @Test
    void shouldNeverSuspendWhenTheLimitIsZero() {
        suspendAfter = 0;

        for (int n = 1; n <= 10; n++) {
            assertThat(service.count(failure(n, "web"), NOW.plusSeconds(n)).outcome()).isEqualTo("counted");
        }

        assertThat(suspensions).isEmpty();
        assertThat(subjects).isEmpty();
    }

    @Test
    void shouldCountAgainWhenAnotherLaunchOfTheGroupWasCountedFirst() {
        service.count(failure(1, "web"), NOW);
        ledger.racesLeft = 1;

        LaunchGuardService.Verdict verdict = service.count(failure(2, "web"), NOW.plusSeconds(1));

        assertThat(verdict.count()).as("the other writer's failure, then this one").isEqualTo(3);
        assertThat(verdict.outcome()).isEqualTo("suspended");
        assertThat(subjects).hasSize(1);
    }

    @Test
    void shouldCountNothingWhenTheGroupCannotBeSuspendedSoTheNextFailureTriesAgain() {
        service.count(failure(1, "web"), NOW);
        service.count(failure(2, "web"), NOW.plusSeconds(1));
        suspendFails = new IllegalStateException("not authorized to perform: autoscaling:SuspendProcesses");

        assertThatThrownBy(() -> service.count(failure(3, "web"), NOW.plusSeconds(2))).isSameAs(suspendFails);

        assertThat(ledger.items.get(GROUP).count()).isEqualTo(2);
        assertThat(subjects).isEmpty();
        suspendFails = null;
        assertThat(service.count(failure(4, "web"), NOW.plusSeconds(3)).outcome()).isEqualTo("suspended");
    }

    @Test
    void shouldSuspendAGroupWhoseLaunchesFailBeforeKilnKnowsTheirRoleAndSayOnlyTheManualWayBack() {
        for (int n = 1; n <= 3; n++) {
            service.count(failure(n, null), NOW.plusSeconds(n));
        }

        assertThat(suspensions).containsExactly(GROUP);
        assertThat(messages.get(0)).contains("Role           not known").doesNotContain("Set a release")
                .contains("aws autoscaling resume-processes");
    }

    @Test
    void shouldReadTheFailureFromWhatTheStateMachineSendsAndRefuseAnythingElse() throws Exception {
        LaunchFailure planned = LaunchFailure.from(payload(1, "web", NOW));
        assertThat(planned).isEqualTo(new LaunchFailure(GROUP, "i-0000000000000001", execution(1), NOW, "web", "2.0.0",
                "Kiln.InstallFailed", "installing the release ended Failed with exit code 1 on i-0000000000000001"));

        LaunchFailure unplanned = LaunchFailure.from(payload(2, null, NOW));
        assertThat(unplanned.role()).isNull();
        assertThat(unplanned.release()).isNull();

        assertThatThrownBy(() -> LaunchFailure.from(Json.MAPPER.readTree("{\"event\": {\"time\": \"2026-12-06T03:00:00Z\","
                + " \"detail\": {}}, \"executionArn\": \"x\"}")))
                .isInstanceOf(InvalidLaunchFailureException.class)
                .hasMessage("event.detail.AutoScalingGroupName is missing: this is not a failed launch of the launch state machine");
        assertThatThrownBy(() -> LaunchFailure.from(Json.MAPPER.readTree("[]")))
                .isInstanceOf(InvalidLaunchFailureException.class);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static KilnConfig config(int suspendAfter, int windowMinutes) {
        try {
            String example = Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json"));
            return KilnConfigJson.read(example.replaceFirst("\\{", "{\"launchFailures\": {\"suspendAfter\": " + suspendAfter
                    + ", \"windowMinutes\": " + windowMinutes + "},"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LaunchFailure failure(int n, String role) {
        return failure(n, role, NOW);
    }

    private static LaunchFailure failure(int n, String role, Instant launchedAt) {
        try {
            return LaunchFailure.from(payload(n, role, launchedAt));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What launch's CountFailedLaunch state sends: the execution input (from events/), its ARN and its state. */
    private static JsonNode payload(int n, String role, Instant launchedAt) throws Exception {
        String instance = String.format("i-%016d", n);
        JsonNode event = Json.MAPPER.readTree(Files.readString(Path.of(System.getProperty("kiln.root"), "events",
                "aws.autoscaling", "launch-lifecycle-action.json")));
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("time", launchedAt.toString());
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("detail")).put("AutoScalingGroupName", GROUP)
                .put("EC2InstanceId", instance);
        var payload = Json.MAPPER.createObjectNode();
        payload.set("event", event);
        payload.put("executionArn", execution(n));
        var state = payload.putObject("state");
        if (role != null) {
            state.putObject("plan").put("role", role).putObject("release").put("version", "2.0.0");
        }
        state.putObject("error").put("Error", role == null ? "dev.kiln.lifecycleplan.errors.UnknownInstanceRoleException"
                : "Kiln.InstallFailed").put("Cause", role == null ? "instance " + instance + " has no kiln:role tag"
                : "installing the release ended Failed with exit code 1 on " + instance);
        return payload;
    }

    private static String execution(int n) {
        return "arn:aws:states:us-east-1:000000000000:execution:kiln-launch:launch-" + n;
    }

    /** The ledger in memory; {@code racesLeft} writes lose to another launch's failure, counted just before. */
    private static final class Ledger extends InMemoryFailedLaunchLedger {

        int racesLeft;

        @Override
        public boolean write(FailedLaunches next) {
            if (racesLeft == 0) {
                return super.write(next);
            }
            racesLeft--;
            FailedLaunches other = items.get(next.group());
            Set<String> executions = new HashSet<>(other.executions());
            executions.add("arn:aws:states:us-east-1:000000000000:execution:kiln-launch:other");
            items.put(next.group(), new FailedLaunches(other.group(), other.role(), other.count() + 1, other.since(),
                    other.countFrom(), executions, other.release(), other.lastFailure(), other.lastExecution(), null,
                    null, other.version() + 1));
            return false;
        }
    }
}
