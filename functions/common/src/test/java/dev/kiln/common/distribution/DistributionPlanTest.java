package dev.kiln.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import dev.kiln.common.distribution.DistributionPlan.Copy;
import dev.kiln.common.distribution.DistributionPlan.GivenUp;
import dev.kiln.common.distribution.DistributionPlan.Progress;
import dev.kiln.common.distribution.DistributionPlan.State;
import dev.kiln.common.distribution.DistributionPlan.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistributionPlanTest {

    private static final String HUB = "111111111111";
    private static final String MEMBER = "222222222222";
    private static final String UNIT = "arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid111";

    private static final Distribution DISTRIBUTION = new Distribution(List.of(
            new DistributionTarget(List.of("ap-northeast-1", "ap-northeast-3"), List.of(), List.of(), List.of()),
            new DistributionTarget(List.of("ap-northeast-1", "eu-west-1"), List.of(MEMBER), List.of(), List.of("web")),
            new DistributionTarget(List.of("eu-west-1"), List.of(), List.of(UNIT), List.of("web"))),
            Map.of("ap-northeast-1", "alias/kiln-images", "eu-west-1", "alias/kiln-images"));

    private static final Target HUB_OSAKA = new Target("ap-northeast-3", HUB);
    private static final Target MEMBER_TOKYO = new Target("ap-northeast-1", MEMBER);
    private static final Target MEMBER_IRELAND = new Target("eu-west-1", MEMBER);
    private static final Target UNIT_IRELAND = new Target("eu-west-1", UNIT);

    private static DistributionPlan web() {
        return DistributionPlan.of(DISTRIBUTION, "web", HUB, "ap-northeast-1");
    }

    private static Progress done() {
        return new Progress(State.DONE, 1, null);
    }

    private static Progress failed(int attempts) {
        return new Progress(State.FAILED, attempts, "InvalidParameterValue: the key is disabled");
    }

    @Test
    void shouldTargetEveryAccountAndUnitInEveryRegionButTheHubItself() {
        assertThat(web().targets()).containsExactly(MEMBER_TOKYO, HUB_OSAKA, MEMBER_IRELAND, UNIT_IRELAND);
        assertThat(DistributionPlan.of(DISTRIBUTION, "base", HUB, "ap-northeast-1").targets()).containsExactly(HUB_OSAKA);
        assertThat(UNIT_IRELAND.organizationalUnit()).isTrue();
        assertThat(MEMBER_IRELAND.organizationalUnit()).isFalse();
    }

    @Test
    void shouldCopyOncePerRegionWithItsKeySharedWithEveryoneButTheHub() {
        assertThat(web().copies()).containsExactly(
                new Copy("ap-northeast-1", Optional.of("alias/kiln-images"), List.of(MEMBER)),
                new Copy("ap-northeast-3", Optional.empty(), List.of()),
                new Copy("eu-west-1", Optional.of("alias/kiln-images"), List.of(MEMBER, UNIT)));
    }

    @Test
    void shouldPlanNothingForARoleWithoutTargets() {
        DistributionPlan plan = DistributionPlan.of(Distribution.NONE, "web", HUB, "ap-northeast-1");

        assertThat(plan.targets()).isEmpty();
        assertThat(plan.next(Map.of(), Map.of()).done()).isTrue();
    }

    @Test
    void shouldStartEveryCopyWhenNothingIsRecorded() {
        DistributionPlan.Steps steps = web().next(Map.of(), Map.of());

        assertThat(steps.copy()).extracting(Copy::region).containsExactly("ap-northeast-1", "ap-northeast-3", "eu-west-1");
        assertThat(steps.finish()).isEmpty();
        assertThat(steps.done()).isFalse();
    }

    @Test
    void shouldFinishTheTargetsOfAnAvailableCopyWhileOthersAreStillCopying() {
        DistributionPlan.Steps steps = web().next(
                Map.of("ap-northeast-1", new Progress(State.RUNNING, 1, null), "ap-northeast-3", done(), "eu-west-1", done()),
                Map.of(MEMBER_IRELAND, done()));

        assertThat(steps.copy()).isEmpty();
        assertThat(steps.waiting()).containsExactly("ap-northeast-1");
        assertThat(steps.finish()).containsExactly(HUB_OSAKA, UNIT_IRELAND);
    }

    @Test
    void shouldRetryAFailedCopyAndTargetUntilTheLastAttemptThenReportThemWithoutHoldingTheOthers() {
        DistributionPlan.Steps retry = web().next(
                Map.of("ap-northeast-1", failed(1), "ap-northeast-3", done(), "eu-west-1", done()),
                Map.of(HUB_OSAKA, done(), MEMBER_IRELAND, failed(2), UNIT_IRELAND, done()));

        assertThat(retry.copy()).extracting(Copy::region).containsExactly("ap-northeast-1");
        assertThat(retry.finish()).containsExactly(MEMBER_IRELAND);
        assertThat(retry.givenUp()).isEmpty();

        DistributionPlan.Steps givenUp = web().next(
                Map.of("ap-northeast-1", failed(DistributionPlan.MAX_ATTEMPTS), "ap-northeast-3", done(), "eu-west-1", done()),
                Map.of(HUB_OSAKA, done(), MEMBER_IRELAND, failed(DistributionPlan.MAX_ATTEMPTS), UNIT_IRELAND, done()));

        assertThat(givenUp.done()).isTrue();
        assertThat(givenUp.givenUp()).containsExactly(
                new GivenUp("ap-northeast-1", Optional.empty(),
                        "the copy to ap-northeast-1 failed 3 times: InvalidParameterValue: the key is disabled"),
                new GivenUp("eu-west-1", Optional.of(MEMBER_IRELAND),
                        "222222222222 in eu-west-1 failed 3 times: InvalidParameterValue: the key is disabled"));
    }

    @Test
    void shouldHaveNothingLeftWhenEveryCopyAndTargetIsDone() {
        DistributionPlan.Steps steps = web().next(
                Map.of("ap-northeast-1", done(), "ap-northeast-3", done(), "eu-west-1", done()),
                Map.of(MEMBER_TOKYO, done(), HUB_OSAKA, done(), MEMBER_IRELAND, done(), UNIT_IRELAND, done()));

        assertThat(steps.done()).isTrue();
        assertThat(steps.givenUp()).isEmpty();
    }
}
