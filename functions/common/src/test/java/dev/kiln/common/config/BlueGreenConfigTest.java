package dev.kiln.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig.BlueGreen;
import dev.kiln.common.config.KilnConfig.Colour;
import org.junit.jupiter.api.Test;

class BlueGreenConfigTest {

    static final String LISTENER = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2";
    static final String BLUE_TARGETS = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-blue/73e2d6bc24d8a067";
    static final String GREEN_TARGETS = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web-green/5f3c7e1a9b2d4c60";

    private static final String BLUE_GREEN = """
            {"listenerArn": "%s",
             "blue": {"group": "web-blue", "targetGroupArn": "%s"},
             "green": {"group": "web-green", "targetGroupArn": "%s"},
             "previewCidrs": ["203.0.113.10/32", "2001:db8:1234::/48"]}
            """.formatted(LISTENER, BLUE_TARGETS, GREEN_TARGETS);

    private static String document(String blueGreen) {
        return """
                {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
                 "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"]},
                 "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"},
                            "playbook": "web.yml", "tests": "tests/web.sh", "watch": ["web.yml"],
                            "blueGreen": %s}]}
                """.formatted(blueGreen);
    }

    private static BlueGreen read(String blueGreen) {
        return KilnConfigJson.read(document(blueGreen)).role("web").orElseThrow().blueGreen();
    }

    private static String with(String field, String value) {
        return BLUE_GREEN.replaceFirst("\\}\\s*$", ", \"" + field + "\": " + value + "}");
    }

    @Test
    void shouldReadTheColoursAndFillInSafeDefaults() {
        BlueGreen blueGreen = read(BLUE_GREEN);

        assertThat(blueGreen.listenerArn()).isEqualTo(LISTENER);
        assertThat(blueGreen.colours()).containsExactly(new Colour("blue", "web-blue", BLUE_TARGETS),
                new Colour("green", "web-green", GREEN_TARGETS));
        assertThat(blueGreen.previewCidrs()).containsExactly("203.0.113.10/32", "2001:db8:1234::/48");
        assertThat(blueGreen.readyTimeoutMinutes()).isEqualTo(30);
        assertThat(blueGreen.switchSteps()).containsExactly(100);
        assertThat(blueGreen.approvalTimeoutMinutes()).isEqualTo(240);
        assertThat(blueGreen.keepOldMinutes()).isEqualTo(60);
        assertThat(blueGreen.smokeChecks()).isEmpty();
        assertThat(blueGreen.approversTopicArn()).isNull();
        assertThat(blueGreen.afterBake()).isFalse();
    }

    @Test
    void shouldLeaveARoleWithoutTheBlockOutOfBlueGreenReleases() {
        KilnConfig config = KilnConfigJson.read(document(BLUE_GREEN).replaceFirst(",\\s*\"blueGreen\": \\{(?s).*\\}\\s*\\}\\]\\}\\s*$", "}]}"));

        assertThat(config.role("web").orElseThrow().blueGreen()).isNull();
    }

    @Test
    void shouldReadBackTheBlockItWrites() {
        KilnConfig config = KilnConfigJson.read(document(with("switch",
                "{\"steps\": [10, 50, 100], \"pauseMinutes\": 3, \"alarms\": [\"web-5xx-high\"]}")
                .replaceFirst("\\}\\s*$", ", \"smokeChecks\": [\"curl -fsS http://127.0.0.1/healthz\"],"
                        + " \"approval\": {\"topicArn\": \"arn:aws:sns:us-west-2:123456789012:web-approvers\", \"timeoutMinutes\": 60},"
                        + " \"keepOldMinutes\": 0, \"afterBake\": true}")));

        assertThat(KilnConfigJson.read(KilnConfigJson.write(config))).isEqualTo(config);
        BlueGreen blueGreen = config.role("web").orElseThrow().blueGreen();
        assertThat(blueGreen.switchSteps()).containsExactly(10, 50, 100);
        assertThat(blueGreen.alarms()).containsExactly("web-5xx-high");
        assertThat(blueGreen.approversTopicArn()).isEqualTo("arn:aws:sns:us-west-2:123456789012:web-approvers");
        assertThat(blueGreen.keepOldMinutes()).isZero();
        assertThat(blueGreen.afterBake()).isTrue();
    }

    @Test
    void shouldRefuseCidrsThatAreNotCidrsWithTheReasonForEach() {
        assertThatThrownBy(() -> read(BLUE_GREEN.replace("[\"203.0.113.10/32\", \"2001:db8:1234::/48\"]",
                "[\"203.0.113.10\", \"203.0.113.300/32\", \"203.0.113.7/24\", \"0.0.0.0/0\", \"2001:db8::1/200\"]")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "roles[0] (web).blueGreen.previewCidrs[0]: '203.0.113.10' is not a CIDR such as 203.0.113.10/32 or 2001:db8::/56",
                        "roles[0] (web).blueGreen.previewCidrs[1]: '203.0.113.300/32' is not a CIDR: 300 is not a number from 0 to 255",
                        "roles[0] (web).blueGreen.previewCidrs[2]: '203.0.113.7/24' has host bits set: the network is 203.0.113.0/24",
                        "roles[0] (web).blueGreen.previewCidrs[3]: '0.0.0.0/0' lets everyone see the preview: give the office's addresses",
                        "roles[0] (web).blueGreen.previewCidrs[4]: '2001:db8::1/200' is not a CIDR: the prefix length is at most 128"));
    }

    @Test
    void shouldRefuseMoreCidrsThanOneListenerRuleMatches() {
        assertThatThrownBy(() -> read(BLUE_GREEN.replace("[\"203.0.113.10/32\", \"2001:db8:1234::/48\"]",
                "[\"10.0.0.1/32\", \"10.0.0.2/32\", \"10.0.0.3/32\", \"10.0.0.4/32\", \"10.0.0.5/32\", \"10.0.0.6/32\"]")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("previewCidrs: an Application Load Balancer rule matches at most 5 source addresses, got 6");
    }

    @Test
    void shouldRefuseTwoColoursSharingAGroupOrATargetGroup() {
        assertThatThrownBy(() -> read(BLUE_GREEN.replace("web-green\"", "web-blue\"").replace(GREEN_TARGETS, BLUE_TARGETS)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "roles[0] (web).blueGreen: blue and green share the group 'web-blue': each colour needs its own",
                        "roles[0] (web).blueGreen: blue and green share the target group " + BLUE_TARGETS
                                + ": each colour needs its own"));
    }

    @Test
    void shouldRefuseArnsOfTheWrongKindRegionOrAccount() {
        String networkListener = LISTENER.replace("listener/app/", "listener/net/");
        assertThatThrownBy(() -> read(BLUE_GREEN.replace(LISTENER, networkListener)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("listenerArn: " + networkListener + " is a Network Load Balancer's listener");
        assertThatThrownBy(() -> read(BLUE_GREEN.replace(LISTENER, BLUE_TARGETS)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("blueGreen.listenerArn: '" + BLUE_TARGETS + "' is not an Application Load Balancer listener ARN");
        assertThatThrownBy(() -> read(BLUE_GREEN.replace(GREEN_TARGETS, GREEN_TARGETS.replace("us-west-2:123456789012", "ap-northeast-1:123456789012"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("blueGreen.green.targetGroupArn: the target group is in ap-northeast-1 of account 123456789012,"
                        + " the listener in us-west-2 of account 123456789012");
        assertThatThrownBy(() -> read(BLUE_GREEN.replace("\"web-blue\"", "\"web blue\"")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("blueGreen.blue.group: 'web blue' is not an Auto Scaling group name");
    }

    @Test
    void shouldRefuseASwitchThatDoesNotEndWithEveryRequestOnTheNewColour() {
        assertThatThrownBy(() -> read(with("switch", "{\"steps\": [10, 50]}")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("switch.steps: the last step must send 100 percent to the new colour, got [10,50]");
        assertThatThrownBy(() -> read(with("switch", "{\"steps\": [50, 10, 100]}")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("switch.steps: each step must send more than the one before, got [50,10,100]");
        assertThatThrownBy(() -> read(with("switch", "{\"steps\": [0, 100], \"pause\": 1}")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "roles[0] (web).blueGreen.switch.pause: is not a setting Kiln knows (known here: steps, pauseMinutes, alarms)",
                        "roles[0] (web).blueGreen.switch.steps: 0 is not a percentage from 1 to 100"));
    }

    @Test
    void shouldRefuseAnApprovalThatCannotReachAnyoneOrNeverEnds() {
        assertThatThrownBy(() -> read(with("approval", "{\"topicArn\": \"web-approvers\", \"timeoutMinutes\": 0}")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "roles[0] (web).blueGreen.approval.topicArn: 'web-approvers' is not an SNS topic ARN",
                        "roles[0] (web).blueGreen.approval.timeoutMinutes: must be a whole number from 1 to 10080, got 0"));
    }

    @Test
    void shouldRefuseTwoRolesSwitchingTheSameListener() {
        String twoRoles = document(BLUE_GREEN).replace("\"roles\": [", "\"roles\": [{\"name\": \"api\", \"parent\": {\"amazonLinux\": \"2023\","
                + " \"architecture\": \"arm64\"}, \"playbook\": \"api.yml\", \"tests\": \"tests/api.sh\", \"watch\": [\"api.yml\"],"
                + " \"blueGreen\": " + BLUE_GREEN.replace("web-blue\"", "api-blue\"").replace("web-green\"", "api-green\"")
                .replace(BLUE_TARGETS, BLUE_TARGETS.replace("web-blue", "api-blue"))
                .replace(GREEN_TARGETS, GREEN_TARGETS.replace("web-green", "api-green")) + "}, ");

        assertThatThrownBy(() -> KilnConfigJson.read(twoRoles))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "role web: blueGreen uses " + LISTENER + ", which role api's blueGreen uses too: each role needs its own"
                                + " listener, groups and target groups"));
    }
}
