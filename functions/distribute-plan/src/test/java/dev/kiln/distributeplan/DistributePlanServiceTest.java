package dev.kiln.distributeplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.common.testing.Resources;
import dev.kiln.distributeplan.DistributionOrder.MemberRole;
import dev.kiln.distributeplan.DistributionOrder.RegionCopy;
import dev.kiln.distributeplan.DistributionOrder.Target;
import dev.kiln.distributeplan.errors.InvalidDistributionRequestException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistributePlanServiceTest {

    private static final String EXECUTION = "arn:aws:states:ap-northeast-1:111111111111:execution:kiln-distribute:d1";
    private static final String AMI = "ami-0a1b2c3d4e5f60718";
    private static final String MEMBER = "222222222222";

    private final Map<String, String> current = new HashMap<>(Map.of("web", AMI));
    private final DistributePlanService service = new DistributePlanService(() -> KilnConfigJson.read(KilnConfigs.document("""
            "roles": [{"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "base.yml",
                       "tests": "t.sh", "watch": ["base/**"]},
                      {"name": "web", "parent": {"role": "base"}, "playbook": "web.yml", "tests": "t.sh", "watch": ["web/**"]}],
            "distribution": {"targets": [{"regions": ["ap-northeast-3"]},
                                         {"regions": ["ap-northeast-1", "eu-west-1"], "accounts": ["222222222222"], "roles": ["web"]}],
                             "kmsKeys": {"ap-northeast-1": "alias/kiln-images", "eu-west-1": "alias/kiln-images"}}""")),
            role -> Optional.ofNullable(current.get(role)), "kiln");

    private static PlanRequest request(String input) throws Exception {
        return PlanRequest.from(Json.MAPPER.readTree("{\"input\": " + input + ", \"executionArn\": \"" + EXECUTION + "\"}"));
    }

    @Test
    void shouldCopyToEveryTargetRegionWithItsKeyItsAccountsAndEachAccountsPointerThere() throws Exception {
        DistributionOrder order = service.plan(request("{\"role\": \"web\", \"imageId\": \"" + AMI + "\", \"published\": true}"));

        assertThat(order.skip()).isNull();
        assertThat(order.sourceRegion()).isEqualTo("ap-northeast-1");
        assertThat(order.targets()).isEqualTo(3);
        assertThat(order.copies()).containsExactly(
                new RegionCopy("ap-northeast-1", "alias/kiln-images", List.of(MEMBER), List.of(member("ap-northeast-1"))),
                new RegionCopy("ap-northeast-3", null, List.of(), List.of(new Target("111111111111", "/kiln/images/web", null))),
                new RegionCopy("eu-west-1", "alias/kiln-images", List.of(MEMBER), List.of(member("eu-west-1"))));
    }

    /** A member account's pointer is written through the role its member stack made in the region, with the hub's external id. */
    private static Target member(String region) {
        return new Target(MEMBER, "/kiln/images/web",
                new MemberRole("arn:aws:iam::" + MEMBER + ":role/kiln-hub-" + region, "kiln-kiln-111111111111"));
    }

    @Test
    void shouldGiveAnOrganizationalUnitNoPointerForKilnDoesNotKnowItsAccounts() throws Exception {
        String unit = "arn:aws:organizations::333333333333:ou/o-exampleorgid/ou-examplerootid111-exampleouid111";
        DistributePlanService units = new DistributePlanService(() -> KilnConfigJson.read(KilnConfigs.document("""
                "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                           "tests": "t.sh", "watch": ["web/**"]}],
                "distribution": {"targets": [{"regions": ["eu-west-1"], "organizationalUnits": ["%s"]}],
                                 "kmsKeys": {"eu-west-1": "alias/kiln-images"}}""".formatted(unit))), role -> Optional.of(AMI), "kiln");

        assertThat(units.plan(request("{\"role\": \"web\"}")).copies()).containsExactly(
                new RegionCopy("eu-west-1", "alias/kiln-images", List.of(unit), List.of(new Target(unit, null, null))));
    }

    @Test
    void shouldTakeTheSampleInputsTheRuleAndAPersonSend() throws Exception {
        current.put("base", "ami-6b3a98b2a29b148a5");
        for (String sample : List.of("image-baked.json", "current-image.json")) {
            String input = Files.readString(Resources.repository("events", "inputs", "distribute", sample));

            assertThat(service.plan(request(input)).copies()).as(sample).isNotEmpty();
        }
    }

    @Test
    void shouldDistributeTheRolesCurrentImageWhenNoneIsNamed() throws Exception {
        assertThat(service.plan(request("{\"role\": \"web\"}")).imageId()).isEqualTo(AMI);
    }

    @Test
    void shouldSkipAnImageThatIsNoLongerCurrentAndARoleNoTargetTakes() throws Exception {
        assertThat(service.plan(request("{\"role\": \"web\", \"imageId\": \"ami-0f0f0f0f0f0f0f0f0\"}")).skip())
                .isEqualTo("ami-0f0f0f0f0f0f0f0f0 is no longer web's current image (" + AMI + " is): that one is distributed instead");

        DistributePlanService undistributed = new DistributePlanService(() -> KilnConfigJson.read(KilnConfigs.document("""
                "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                           "tests": "t.sh", "watch": ["web/**"]}]""")), role -> Optional.of(AMI), "kiln");
        DistributionOrder order = undistributed.plan(request("{\"role\": \"web\"}"));

        assertThat(order.skip()).isEqualTo("no distribution target takes web's images");
        assertThat(order.copies()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownRoleARoleWithoutImagesAndInputThatIsNotARoleAndImage() {
        assertThatThrownBy(() -> service.plan(request("{\"role\": \"api\"}")))
                .isInstanceOf(InvalidDistributionRequestException.class)
                .hasMessage("role: 'api' is not a role of this deployment (base, web)");
        assertThatThrownBy(() -> service.plan(request("{\"role\": \"base\"}")))
                .isInstanceOf(InvalidDistributionRequestException.class)
                .hasMessage("base has no published image to distribute yet");
        assertThatThrownBy(() -> request("{\"role\": \"web\", \"imageId\": \"web-1\"}"))
                .isInstanceOf(InvalidDistributionRequestException.class)
                .hasMessageStartingWith("input: does not match statemachines/distribute.input.schema.json: ")
                .hasMessageContaining("imageId");
        assertThatThrownBy(() -> request("{\"role\": \"web\", \"published\": false}"))
                .isInstanceOf(InvalidDistributionRequestException.class).hasMessageContaining("published");
        assertThatThrownBy(() -> PlanRequest.from(Json.MAPPER.readTree("{\"input\": {\"role\": \"web\"}, \"executionArn\": \"x\"}")))
                .isInstanceOf(InvalidDistributionRequestException.class).hasMessageStartingWith("executionArn:");
    }
}
