package dev.kiln.bluegreenplan;

import static dev.kiln.bluegreenplan.Fakes.BLUE_TARGETS;
import static dev.kiln.bluegreenplan.Fakes.EXECUTION;
import static dev.kiln.bluegreenplan.Fakes.GREEN_TARGETS;
import static dev.kiln.bluegreenplan.Fakes.LISTENER;
import static dev.kiln.bluegreenplan.Fakes.OTHER_EXECUTION;
import static dev.kiln.bluegreenplan.Fakes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.bluegreenplan.Ports.Forward;
import dev.kiln.bluegreenplan.Ports.Group;
import dev.kiln.bluegreenplan.Ports.Holder;
import dev.kiln.bluegreenplan.Ports.Listener;
import dev.kiln.bluegreenplan.Ports.Live;
import dev.kiln.bluegreenplan.Ports.Rule;
import dev.kiln.bluegreenplan.errors.InvalidBlueGreenInputException;
import dev.kiln.bluegreenplan.errors.ReleaseRefusedException;
import dev.kiln.common.workflow.Poll;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlueGreenPlanServiceTest {

    private final Fakes fakes = new Fakes();

    @Test
    void shouldPutTheReleaseOnTheColourTheListenerDoesNotSendTo() {
        BlueGreenPlan plan = fakes.service().plan(request());

        assertThat(plan.live()).isEqualTo(new BlueGreenPlan.Colour("blue", "web-blue", BLUE_TARGETS));
        assertThat(plan.idle()).isEqualTo(new BlueGreenPlan.Colour("green", "web-green", GREEN_TARGETS));
        assertThat(plan.summary()).isEqualTo("web release 1.4.0 on ami-0new0000000000001 to green (web-green); live: blue (web-blue)");
        assertThat(plan.capacity()).isEqualTo(new BlueGreenPlan.Capacity(2, 8, 4));
        assertThat(plan.emptyFirst()).isFalse();
        assertThat(plan.template()).containsEntry("LaunchTemplateId", "lt-0green00000000001")
                .containsEntry("SourceVersion", "$Latest")
                .containsEntry("LaunchTemplateData", Map.of("ImageId", "ami-0new0000000000001"))
                .containsEntry("VersionDescription", "Kiln blue-green: web release 1.4.0 on ami-0new0000000000001");
        assertThat((String) plan.template().get("ClientToken")).startsWith("kiln-").hasSize(45);
        assertThat(plan.version()).isEqualTo("1.4.0");
        assertThat(plan.release()).contains("\"version\":\"1.4.0\"").contains("releases/web/web-1.4.0.tar.gz");
        assertThat(plan.backToLive()).containsExactly(Map.of("Type", "forward", "TargetGroupArn", BLUE_TARGETS));
        assertThat(plan.steps()).containsExactly(new BlueGreenPlan.Step(100,
                List.of(Map.of("Type", "forward", "TargetGroupArn", GREEN_TARGETS)), 0, true));
        assertThat(plan.smoke()).isNull();
        assertThat(plan.approval()).isEqualTo(new BlueGreenPlan.Approval(240 * 60, null));
        assertThat(plan.keepOldSeconds()).isEqualTo(3600);
        assertThat(plan.watchesAlarms()).isFalse();
        assertThat(plan.polls().ready()).isEqualTo(Poll.covering(20 * 60, 15, 500));
        assertThat(plan.logs().uri()).isEqualTo("s3://kiln-artifacts/logs/blue-green/web/web-1-4-0/");
        assertThat(plan.reason()).isEqualTo("release by day");
        assertThat(plan.previewAddress()).isEqualTo("https://web-1234567890.us-west-2.elb.amazonaws.com/");
        assertThat(plan.previewCidrs()).containsExactly("203.0.113.10/32");
        assertThat(plan.livePreviously().colour()).isEqualTo("blue");
        assertThat(plan.livePreviously().release()).contains("\"version\":\"1.3.9\"");
        assertThat(plan.mail().lead()).isEqualTo(plan.summary() + "\n\n");
        assertThat(plan.mail().started()).startsWith(plan.summary() + "\n\nWhat changes:\n  Image: ami-0new0000000000001")
                .contains("\nWhy: release by day\n").endsWith("Execution: " + EXECUTION);
        assertThat(plan.mail().switched()).isEqualTo(plan.summary() + "\n\nEvery request now goes to green (web-green). blue (web-blue)"
                + " keeps its instances for 60 minutes; until then the decision rollback (docs/blue-green.md) sends every request"
                + " back to it at once.");
    }

    @Test
    void shouldAddAnOfficeOnlyRuleBeforeEveryOtherRuleTaggedAsTheRolesPreview() {
        BlueGreenPlan.Preview preview = fakes.service().plan(request()).preview();

        assertThat(preview.ruleArn()).isNull();
        assertThat(preview.modify()).isNull();
        assertThat(preview.create()).containsEntry("ListenerArn", LISTENER).containsEntry("Priority", 1)
                .containsEntry("Conditions", List.of(Map.of("Field", "source-ip", "SourceIpConfig", Map.of("Values", List.of("203.0.113.10/32")))))
                .containsEntry("Actions", List.of(Map.of("Type", "forward", "TargetGroupArn", GREEN_TARGETS)))
                .containsEntry("Tags", List.of(Map.of("Key", "kiln:role", "Value", "web"), Map.of("Key", "kiln:purpose", "Value", "preview")));
    }

    @Test
    void shouldChangeThePreviewRuleAnEarlierReleaseLeftRatherThanAddASecond() {
        String left = LISTENER.replace(":listener/", ":listener-rule/") + "/0000000000000001";
        fakes.rules.add(new Rule(left, 1, Map.of("kiln:role", "web", "kiln:purpose", "preview")));

        BlueGreenPlan.Preview preview = fakes.service().plan(request()).preview();

        assertThat(preview.ruleArn()).isEqualTo(left);
        assertThat(preview.modify()).containsEntry("RuleArn", left)
                .containsEntry("Actions", List.of(Map.of("Type", "forward", "TargetGroupArn", GREEN_TARGETS)));
    }

    @Test
    void shouldRefuseWhenAnotherRuleHoldsThePriorityThePreviewNeeds() {
        String theirs = LISTENER.replace(":listener/", ":listener-rule/") + "/0000000000000002";
        fakes.rules.add(new Rule(theirs, 1, Map.of()));

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("rule " + theirs + " of listener " + LISTENER + " has priority 1, which the preview rule needs (it must come"
                        + " before every other rule): give that rule a later priority");
        assertThat(fakes.claims).isEmpty();
    }

    @Test
    void shouldTakeTheColourWithAllTheWeightAsLive() {
        fakes.listener = Fakes.listener(new Forward(BLUE_TARGETS, 0), new Forward(GREEN_TARGETS, 100));
        fakes.live = Optional.of(Fakes.live("green", "ami-0old0000000000001", Fakes.LIVE_SHA, "1.3.9"));

        BlueGreenPlan plan = fakes.service().plan(request());

        assertThat(plan.live().colour()).isEqualTo("green");
        assertThat(plan.idle().colour()).isEqualTo("blue");
        assertThat(plan.template()).containsEntry("LaunchTemplateId", "lt-0blue000000000001").containsEntry("SourceVersion", "7");
        assertThat(plan.capacity()).isEqualTo(new BlueGreenPlan.Capacity(0, 8, 0));
        assertThat(plan.emptyFirst()).as("blue still has its four instances").isTrue();
    }

    @Test
    void shouldRefuseWhenBothColoursCarryTrafficAndChangeNothing() {
        fakes.listener = Fakes.listener(new Forward(BLUE_TARGETS, 50), new Forward(GREEN_TARGETS, 50));

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("both colours carry traffic on listener " + LISTENER + " (blue 50%, green 50%): a switch did not finish;"
                        + " send everything to one colour (or roll back) before releasing again");
        assertThat(fakes.claims).isEmpty();
    }

    @Test
    void shouldRefuseWhenNeitherColourCarriesTraffic() {
        String elsewhere = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/maintenance/0123456789abcdef";
        fakes.listener = Fakes.listener(new Forward(elsewhere, 1));

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("neither colour carries traffic on listener " + LISTENER + ": its default action forwards to [" + elsewhere
                        + "], not to " + BLUE_TARGETS + " (blue) or " + GREEN_TARGETS + " (green)");
    }

    @Test
    void shouldRefuseAListenerWhoseDefaultActionDoesMoreThanForward() {
        fakes.listener = new Listener(LISTENER, Fakes.LOAD_BALANCER, "HTTPS", 443,
                List.of("authenticate-oidc", "forward"), List.of(new Forward(BLUE_TARGETS, 1)));

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessageContaining("is [authenticate-oidc, forward]: blue/green switches a listener whose default action only forwards");
    }

    @Test
    void shouldRefuseAnUnknownRoleOrOneNotReleasedBlueGreen() {
        assertThatThrownBy(() -> fakes.service().plan(new PlanRequest("api", "manual", EXECUTION, "x", Fakes.STARTED)))
                .isInstanceOf(InvalidBlueGreenInputException.class)
                .hasMessage("role: there is no role 'api' in the Kiln configuration; its roles are [web, batch]");
        assertThatThrownBy(() -> fakes.service().plan(new PlanRequest("batch", "manual", EXECUTION, "x", Fakes.STARTED)))
                .isInstanceOf(InvalidBlueGreenInputException.class)
                .hasMessage("role batch is not released blue/green: give it a blueGreen block in the Kiln configuration (docs/blue-green.md)");
    }

    @Test
    void shouldRefuseAListenerOrGroupThatDoesNotExistOrIsNotWiredToItsTargetGroup() {
        fakes.listener = null;
        assertThatThrownBy(() -> fakes.service().plan(request())).isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("there is no listener " + LISTENER + " (blueGreen.listenerArn of role web)");

        Fakes missingGroup = new Fakes();
        missingGroup.groups.remove("web-green");
        assertThatThrownBy(() -> missingGroup.service().plan(request())).isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("there is no Auto Scaling group web-green (blueGreen.green.group)");

        Fakes unattached = new Fakes();
        unattached.groups.put("web-green", new Group("web-green", 0, 8, 0, 0, List.of(), "lt-0green00000000001", "$Latest", List.of()));
        assertThatThrownBy(() -> unattached.service().plan(request())).isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("group web-green is not attached to target group " + GREEN_TARGETS + " (blueGreen.green): its instances would"
                        + " never serve; attach it, then start again");
        assertThat(fakes.claims).isEmpty();
        assertThat(missingGroup.claims).isEmpty();
        assertThat(unattached.claims).isEmpty();
    }

    @Test
    void shouldRefuseARoleWithoutAnImageOrWithItsIdleGroupSuspended() {
        fakes.image = Optional.empty();
        assertThatThrownBy(() -> fakes.service().plan(request())).isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("web has no published image yet: bake it first");

        Fakes suspended = new Fakes();
        suspended.groups.put("web-green", new Group("web-green", 0, 8, 0, 0, List.of(GREEN_TARGETS), "lt-0green00000000001", "$Latest",
                List.of("Launch")));
        assertThatThrownBy(() -> suspended.service().plan(request())).isInstanceOf(ReleaseRefusedException.class)
                .hasMessageStartingWith("group web-green has its Launch process suspended");
    }

    @Test
    void shouldRefuseASecondStartOfTheSameReleaseWhileItRuns() {
        fakes.holder = Optional.of(new Holder(OTHER_EXECUTION, "ami-0new0000000000001", "1.4.0", Instant.parse("2026-12-07T00:30:00Z")));
        fakes.running.add(OTHER_EXECUTION);

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("this release of web is already running: execution " + OTHER_EXECUTION + " (release 1.4.0 on"
                        + " ami-0new0000000000001, started 2026-12-07T00:30:00Z); approve, reject or roll it back, or let it finish");
        assertThat(fakes.claims).isEmpty();
    }

    @Test
    void shouldRefuseAnotherReleaseOfTheRoleWhileOneRuns() {
        fakes.holder = Optional.of(new Holder(OTHER_EXECUTION, "ami-0other000000001", "1.3.9", Instant.parse("2026-12-07T00:30:00Z")));
        fakes.running.add(OTHER_EXECUTION);

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessageStartingWith("another release of web is running: execution " + OTHER_EXECUTION + " (release 1.3.9 on ami-0other000000001");
    }

    @Test
    void shouldTakeOverTheClaimOfAReleaseWhoseExecutionEnded() {
        fakes.holder = Optional.of(new Holder(OTHER_EXECUTION, "ami-0other000000001", "1.3.9", Instant.parse("2026-12-07T00:30:00Z")));

        fakes.service().plan(request());

        assertThat(fakes.claims).containsExactly(new Holder(EXECUTION, "ami-0new0000000000001", "1.4.0", Fakes.STARTED));
    }

    @Test
    void shouldPlanAgainForItsOwnExecutionWhenTheStateIsRetried() {
        fakes.holder = Optional.of(new Holder(EXECUTION, "ami-0new0000000000001", "1.4.0", Fakes.STARTED));
        fakes.running.add(EXECUTION);

        assertThat(fakes.service().plan(request()).idle().colour()).isEqualTo("green");
    }

    @Test
    void shouldRefuseWhenTheLiveColourAlreadyRunsTheImageAndTheRelease() {
        fakes.live = Optional.of(Fakes.live("blue", "ami-0new0000000000001", Fakes.SHA, "1.4.0"));

        assertThatThrownBy(() -> fakes.service().plan(request()))
                .isInstanceOf(ReleaseRefusedException.class)
                .hasMessage("nothing to release: blue (web-blue) already runs ami-0new0000000000001 with release 1.4.0; bake or set a"
                        + " new release first");
        assertThat(fakes.claims).isEmpty();
    }

    @Test
    void shouldTellApproversWhatChangedSinceTheLiveColour() {
        List<String> changes = fakes.service().plan(request()).changes();

        assertThat(changes).containsExactly(
                "Image: ami-0new0000000000001 (commit 8f3e2a1b9c7d); live runs ami-0old0000000000001 (commit 1a2b3c4d5e6f)",
                "Release: 1.4.0; live runs 1.3.9",
                "Commits since the live one: https://github.com/example-org/fleet/compare/" + Fakes.LIVE_SHA + "..." + Fakes.SHA,
                "Advisories applied: ALAS2023-2026-1201");
    }

    @Test
    void shouldSayWhenWhatTheLiveColourRunsWasNeverRecorded() {
        fakes.live = Optional.empty();
        fakes.release = Optional.empty();

        BlueGreenPlan plan = fakes.service().plan(request());

        assertThat(plan.changes()).containsExactly("Image: ami-0new0000000000001 (commit 8f3e2a1b9c7d)", "Release: none",
                "Advisories applied: ALAS2023-2026-1201",
                "This is the role's first blue/green release: what the live colour runs was not recorded");
        assertThat(plan.release()).isEmpty();
        assertThat(plan.version()).isNull();
        assertThat(plan.livePreviously()).isNull();
    }

    @Test
    void shouldSwitchInWeightedStepsWithAPauseAndAnAlarmCheckBetweenThem() {
        fakes.config = Fakes.config(Fakes.BLUE_GREEN.replaceFirst("\\}$",
                ", \"switch\": {\"steps\": [10, 50, 100], \"pauseMinutes\": 3, \"alarms\": [\"web-5xx-high\"]}}"));

        BlueGreenPlan plan = fakes.service().plan(request());

        assertThat(plan.steps()).extracting(BlueGreenPlan.Step::percent, BlueGreenPlan.Step::pauseSeconds, BlueGreenPlan.Step::last)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10, 180, false), org.assertj.core.groups.Tuple.tuple(50, 180, false),
                        org.assertj.core.groups.Tuple.tuple(100, 0, true));
        assertThat(plan.steps().get(0).actions()).containsExactly(Map.of("Type", "forward", "ForwardConfig", Map.of("TargetGroups", List.of(
                Map.of("TargetGroupArn", GREEN_TARGETS, "Weight", 10), Map.of("TargetGroupArn", BLUE_TARGETS, "Weight", 90)))));
        assertThat(plan.alarms()).containsExactly("web-5xx-high");
        assertThat(plan.watchesAlarms()).isTrue();
    }

    @Test
    void shouldRunTheSmokeChecksAsOneScriptThatStopsAtTheFirstFailure() {
        fakes.config = Fakes.config(Fakes.BLUE_GREEN.replaceFirst("\\}$",
                ", \"smokeChecks\": [\"curl -fsS http://127.0.0.1/healthz\", \"test -f /etc/kiln/manifest.json\"], \"smokeTimeoutSeconds\": 60}"));

        BlueGreenPlan.Smoke smoke = fakes.service().plan(request()).smoke();

        assertThat(smoke.parameters()).containsEntry("commands", List.of("set -e", "curl -fsS http://127.0.0.1/healthz",
                "test -f /etc/kiln/manifest.json")).containsEntry("executionTimeout", List.of("60"));
        assertThat(smoke.outputPrefix()).isEqualTo("logs/blue-green/web/web-1-4-0/smoke");
        assertThat(smoke.failure()).isEqualTo("Kiln.SmokeChecksFailed");
    }
}
