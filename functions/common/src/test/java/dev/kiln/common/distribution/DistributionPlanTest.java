package dev.kiln.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import dev.kiln.common.distribution.DistributionPlan.Copy;
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
            Map.of("ap-northeast-1", "alias/kiln-images", "eu-west-1", "alias/kiln-images"), Map.of());

    private static final Target HUB_OSAKA = new Target("ap-northeast-3", HUB);
    private static final Target MEMBER_TOKYO = new Target("ap-northeast-1", MEMBER);
    private static final Target MEMBER_IRELAND = new Target("eu-west-1", MEMBER);
    private static final Target UNIT_IRELAND = new Target("eu-west-1", UNIT);

    private static DistributionPlan web() {
        return DistributionPlan.of(DISTRIBUTION, "web", HUB, "ap-northeast-1");
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
                new Copy("ap-northeast-1", Optional.of("alias/kiln-images"), List.of(MEMBER), false),
                new Copy("ap-northeast-3", Optional.empty(), List.of(), true),
                new Copy("eu-west-1", Optional.of("alias/kiln-images"), List.of(MEMBER, UNIT), false));
    }

    @Test
    void shouldPlanNothingForARoleWithoutTargets() {
        DistributionPlan plan = DistributionPlan.of(Distribution.NONE, "web", HUB, "ap-northeast-1");

        assertThat(plan.targets()).isEmpty();
        assertThat(plan.copies()).isEmpty();
    }
}
