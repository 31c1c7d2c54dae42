package dev.kiln.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistributionConfigTest {

    static final String UNIT = "arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid111";

    static String document(String distribution) {
        return """
                {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
                 "roles": [{"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"},
                            "playbook": "base.yml", "tests": "tests/base.sh", "watch": ["base.yml"]},
                           {"name": "web", "parent": {"role": "base"},
                            "playbook": "web.yml", "tests": "tests/web.sh", "watch": ["web.yml"]}],
                 "distribution": %s}
                """.formatted(distribution);
    }

    private static Distribution read(String distribution) {
        return KilnConfigJson.read(document(distribution)).distribution();
    }

    private static void assertRefused(String distribution, String... problems) {
        assertThatThrownBy(() -> read(distribution))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.problems()).containsExactlyInAnyOrder(problems));
    }

    @Test
    void shouldReadTargetsForEveryRoleOrTheRolesTheyName() {
        Distribution distribution = read("""
                {"targets": [{"regions": ["ap-northeast-3"]},
                             {"regions": ["ap-northeast-1", "ap-northeast-3"], "accounts": ["222222222222"], "roles": ["web"]},
                             {"regions": ["eu-west-1"], "organizationalUnits": ["%s"]}],
                 "kmsKeys": {"ap-northeast-1": "alias/kiln-images", "ap-northeast-3": "alias/kiln-images",
                             "eu-west-1": "alias/fleet/images"}}
                """.formatted(UNIT));

        assertThat(distribution.targets()).containsExactly(
                new DistributionTarget(List.of("ap-northeast-3"), List.of(), List.of(), List.of()),
                new DistributionTarget(List.of("ap-northeast-1", "ap-northeast-3"), List.of("222222222222"), List.of(), List.of("web")),
                new DistributionTarget(List.of("eu-west-1"), List.of(), List.of(UNIT), List.of()));
        assertThat(distribution.kmsKeys()).isEqualTo(Map.of("ap-northeast-1", "alias/kiln-images",
                "ap-northeast-3", "alias/kiln-images", "eu-west-1", "alias/fleet/images"));
        assertThat(distribution.targets().get(1).covers("base")).isFalse();
        assertThat(distribution.targets().get(0).covers("base")).isTrue();
    }

    @Test
    void shouldNameTheAccountsThatLaunchARolesImagesInARegionForTheirMemberStacks() {
        Distribution distribution = read("""
                {"targets": [{"regions": ["ap-northeast-3"]},
                             {"regions": ["ap-northeast-1", "ap-northeast-3"], "accounts": ["333333333333", "222222222222"], "roles": ["web"]},
                             {"regions": ["ap-northeast-3"], "accounts": ["444444444444"], "roles": ["base"]},
                             {"regions": ["eu-west-1"], "organizationalUnits": ["%s"]}],
                 "kmsKeys": {"ap-northeast-1": "alias/kiln-images", "ap-northeast-3": "alias/kiln-images",
                             "eu-west-1": "alias/kiln-images"}}
                """.formatted(UNIT));

        assertThat(distribution.accounts("web", "ap-northeast-3")).containsExactly("222222222222", "333333333333");
        assertThat(distribution.accounts("base", "ap-northeast-3")).containsExactly("444444444444");
        assertThat(distribution.accounts("web", "eu-west-1")).as("a unit's accounts are not known").isEmpty();
    }

    @Test
    void shouldDistributeNothingWhenTheBlockIsLeftOut() {
        KilnConfig config = KilnConfigJson.read(document("null").replace(",\n \"distribution\": null", ""));

        assertThat(config.distribution()).isEqualTo(Distribution.NONE);
        assertThat(config.distribution().isEmpty()).isTrue();
    }

    @Test
    void shouldWriteTheDistributionSoThatReadingItBackGivesTheSameConfiguration() {
        KilnConfig config = KilnConfigJson.read(document("""
                {"targets": [{"regions": ["ap-northeast-3"], "accounts": ["222222222222"], "organizationalUnits": ["%s"],
                              "roles": ["base"]}],
                 "kmsKeys": {"ap-northeast-3": "alias/kiln-images"}}
                """.formatted(UNIT)));

        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
    }

    @Test
    void shouldRotateEachTargetRegionsMembersOnItsOwnScheduleAndTimeZoneOrTheHubs() {
        KilnConfig config = KilnConfigJson.read(document("""
                {"targets": [{"regions": ["ap-northeast-2", "eu-west-1", "us-west-2"], "accounts": ["222222222222"]}],
                 "kmsKeys": {"ap-northeast-2": "alias/kiln-images", "eu-west-1": "alias/kiln-images", "us-west-2": "alias/kiln-images"},
                 "rotation": {"ap-northeast-2": {"timeZone": "Asia/Seoul"},
                              "eu-west-1": {"schedule": "cron(30 2 ? * MON-FRI *)", "timeZone": "Europe/Dublin"}}}
                """));
        KilnConfig.Rotation hub = config.rotation();

        KilnConfig.Rotation seoul = config.distribution().rotation("ap-northeast-2", hub);
        KilnConfig.Rotation dublin = config.distribution().rotation("eu-west-1", hub);

        assertThat(seoul.timeZone()).isEqualTo("Asia/Seoul");
        assertThat(seoul.schedule()).as("the hub's schedule, at Seoul's time").isEqualTo(hub.schedule());
        assertThat(seoul.maxConcurrency()).isEqualTo(hub.maxConcurrency());
        assertThat(dublin.schedule()).isEqualTo("cron(30 2 ? * MON-FRI *)");
        assertThat(dublin.timeZone()).isEqualTo("Europe/Dublin");
        assertThat(config.distribution().rotation("us-west-2", hub)).isEqualTo(hub);
        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
    }

    @Test
    void shouldRefuseARegionsRotationForARegionNoTargetNamesOrThatIsNotASchedule() {
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3", "ap-northeast-2", "eu-west-1"]}],
                 "rotation": {"us-east-1": {"timeZone": "UTC"}, "ap-northeast-3": {"schedule": "nightly"},
                              "ap-northeast-2": {"timeZone": "Seoul"}, "eu-west-1": {}}}
                """,
                "distribution.rotation.us-east-1: no target names us-east-1",
                "distribution.rotation.ap-northeast-3.schedule: 'nightly' is not an EventBridge Scheduler expression"
                        + " such as cron(0 3 * * ? *) or rate(1 day)",
                "distribution.rotation.ap-northeast-2.timeZone: 'Seoul' is not an IANA time zone such as Asia/Tokyo",
                "distribution.rotation.eu-west-1: must be an object with schedule, timeZone or both, got {}");
    }

    @Test
    void shouldRefuseRegionsAccountsAndUnitsThatAreNotWellFormed() {
        assertRefused("""
                {"targets": [{"regions": ["tokyo", "ap-northeast-3"], "accounts": ["12345678901", "222222222222"],
                              "organizationalUnits": ["ou-abcd-12345678"]}],
                 "kmsKeys": {"ap-northeast-3": "alias/kiln-images"}}
                """,
                "distribution.targets[0].regions[0]: 'tokyo' is not one of region names such as ap-northeast-3",
                "distribution.targets[0].accounts[0]: '12345678901' is not one of 12-digit AWS account ids",
                "distribution.targets[0].organizationalUnits[0]: 'ou-abcd-12345678' is not one of organizational unit ARNs"
                        + " (arn:aws:organizations::<management account>:ou/o-.../ou-...)");
    }

    @Test
    void shouldRefuseATargetGivenTwice() {
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3"]},
                             {"regions": ["eu-west-1", "ap-northeast-3"], "roles": ["web"]}]}
                """,
                "distribution.targets[1]: web's images already go to the hub's own account in ap-northeast-3"
                        + " (distribution.targets[0]): give each target once");
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3", "ap-northeast-3"], "accounts": ["222222222222", "222222222222"]}],
                 "kmsKeys": {"ap-northeast-3": "alias/kiln-images"}}
                """,
                "distribution.targets[0].regions: 'ap-northeast-3' is given twice",
                "distribution.targets[0].accounts: '222222222222' is given twice");
    }

    @Test
    void shouldRefuseSharingOneRegionsCopyWithMoreAccountsThanDistributeCanTell() {
        String accounts = java.util.stream.IntStream.rangeClosed(1, Distribution.MAX_PRINCIPALS_PER_REGION + 1)
                .mapToObj(i -> "\"%012d\"".formatted(i)).collect(java.util.stream.Collectors.joining(", "));
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3"], "accounts": [%s], "roles": ["web"]}],
                 "kmsKeys": {"ap-northeast-3": "alias/kiln-images"}}
                """.formatted(accounts),
                "distribution: web's images would be shared with 201 accounts and units in ap-northeast-3: at most 200"
                        + " (share with an organizational unit instead)");
    }

    @Test
    void shouldRefuseARoleTheDocumentDoesNotHave() {
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3"], "roles": ["api"]}]}
                """,
                "distribution.targets[0].roles: 'api' is not a role in this document");
    }

    @Test
    void shouldRefuseSharingWithAnotherAccountWithoutACustomerManagedKey() {
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3", "eu-west-1"], "accounts": ["222222222222"]}],
                 "kmsKeys": {"ap-northeast-3": "alias/aws/ebs"}}
                """,
                "distribution.kmsKeys.ap-northeast-3: alias/aws/ebs is a key AWS manages, which cannot be shared with"
                        + " other accounts: name a customer managed key",
                "distribution.targets[0]: ap-northeast-3 has no key in distribution.kmsKeys: a copy shared with other"
                        + " accounts must be encrypted with a customer managed key (alias/...)",
                "distribution.targets[0]: eu-west-1 has no key in distribution.kmsKeys: a copy shared with other"
                        + " accounts must be encrypted with a customer managed key (alias/...)");
    }

    @Test
    void shouldRefuseAKeyForARegionNoTargetNamesOrThatIsNotAnAlias() {
        assertRefused("""
                {"targets": [{"regions": ["ap-northeast-3"]}],
                 "kmsKeys": {"eu-west-1": "alias/kiln-images", "ap-northeast-3": "arn:aws:kms:ap-northeast-3:111111111111:key/1"}}
                """,
                "distribution.kmsKeys.eu-west-1: no target names eu-west-1",
                "distribution.kmsKeys.ap-northeast-3: must be a key alias such as alias/kiln-images,"
                        + " got \"arn:aws:kms:ap-northeast-3:111111111111:key/1\"");
    }

    @Test
    void shouldRefuseABlockWithoutTargetsOrWithSettingsKilnDoesNotKnow() {
        assertRefused("{\"targets\": []}",
                "distribution.targets: must be a non-empty list of {regions, accounts, organizationalUnits, roles}");
        assertRefused("{\"targets\": [{\"regions\": [\"ap-northeast-3\"], \"region\": \"eu-west-1\"}]}",
                "distribution.targets[0].region: is not a setting Kiln knows"
                        + " (known here: regions, accounts, organizationalUnits, roles)");
    }
}
