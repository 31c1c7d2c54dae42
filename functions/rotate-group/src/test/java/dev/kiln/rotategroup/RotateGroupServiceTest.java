package dev.kiln.rotategroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.rotategroup.errors.InvalidGroupRequestException;
import dev.kiln.rotategroup.errors.LaunchTemplateNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RotateGroupServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");
    private static final String AMI = "ami-0c1d2e3f4a5b6c7d8";
    private static final String OLD_AMI = "ami-0a0a0a0a0a0a0a0a0";
    private static final String OTHER_AMI = "ami-0f0f0f0f0f0f0f0f0";
    private static final String LT = "lt-0a1b2c3d4e5f60718";
    private static final String REFRESH = "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b";

    private static final String CONFIG = KilnConfigs.document("""
            "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                       "tests": "t.sh", "watch": ["web/**"]}]%s""");
    /** Only the defaults: no MaxHealthyPercentage, no alarms. */
    private static final KilnConfig DEFAULTS = KilnConfigJson.read(CONFIG.formatted(""));
    private static final KilnConfig CONFIGURED = KilnConfigJson.read(CONFIG.formatted("""
            , "rotation": {"maxAgeHours": 20, "minHealthyPercentage": 50, "maxHealthyPercentage": 150,
                           "instanceWarmupSeconds": 120, "autoRollback": false, "alarms": ["web-5xx", "web-latency"]}"""));

    private final Fakes.Template template = new Fakes.Template(LT, "web-template");
    private final Fakes.Instances instances = new Fakes.Instances();
    private KilnConfig config = DEFAULTS;
    private final RotateGroupService service = new RotateGroupService(() -> config, template, instances,
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** rotate's payload: the item, DescribeAutoScalingGroups' groups and DescribeInstanceRefreshes' refreshes. */
    private static GroupRequest payload(String groups, String refreshes) throws Exception {
        return GroupRequest.parse(Json.MAPPER.readTree("""
                {"item": {"asg": "web-blue", "role": "web", "imageId": "%s"},
                 "groups": [%s],
                 "refreshes": [%s]}""".formatted(AMI, groups, refreshes)));
    }

    /** A group launching from a launch template, as DescribeAutoScalingGroups describes it. */
    private static String group(String launchTemplate) {
        return """
                {"AutoScalingGroupName": "web-blue",
                 "AutoScalingGroupARN": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:930d940e-891e-4781-a11a-7b0acd480f03:autoScalingGroupName/web-blue",
                 "LaunchTemplate": %s,
                 "MinSize": 2, "MaxSize": 6, "DesiredCapacity": 2, "DefaultCooldown": 300,
                 "AvailabilityZones": ["us-east-1a", "us-east-1b"], "HealthCheckType": "ELB", "HealthCheckGracePeriod": 300,
                 "Instances": [{"InstanceId": "i-0123456789abcdef0", "InstanceType": "t4g.large", "AvailabilityZone": "us-east-1a",
                                "LifecycleState": "InService", "HealthStatus": "Healthy", "ProtectedFromScaleIn": false,
                                "LaunchTemplate": %s}],
                 "CreatedTime": "2026-01-05T10:00:00.000Z", "VPCZoneIdentifier": "subnet-0a1b2c3d,subnet-0f1e2d3c",
                 "Tags": [{"ResourceId": "web-blue", "ResourceType": "auto-scaling-group", "Key": "kiln:rotate",
                           "Value": "nightly", "PropagateAtLaunch": false}],
                 "TerminationPolicies": ["Default"], "NewInstancesProtectedFromScaleIn": false}""".formatted(launchTemplate, launchTemplate);
    }

    private static String pinned(String version) {
        return "{\"LaunchTemplateId\": \"" + LT + "\", \"LaunchTemplateName\": \"web-template\", \"Version\": \"" + version + "\"}";
    }

    private static String refresh(String status) {
        return """
                {"InstanceRefreshId": "%s", "AutoScalingGroupName": "web-blue", "Status": "%s",
                 "PercentageComplete": 0, "InstancesToUpdate": 2,
                 "Preferences": {"MinHealthyPercentage": 90, "InstanceWarmup": 300, "SkipMatching": false, "AutoRollback": true}}
                """.formatted(REFRESH, status);
    }

    private void running(String instanceId, String imageId, Duration age) {
        instances.byGroup.computeIfAbsent("web-blue", g -> new java.util.ArrayList<>())
                .add(new Ports.RunningInstance(instanceId, imageId, NOW.minus(age)));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void shouldSkipAGroupThatNoLongerExistsWithoutAskingEc2() throws Exception {
        GroupDecision decision = service.decide(payload("", ""));

        assertThat(decision).isEqualTo(new GroupDecision("skip", "the group no longer exists", null, null, false, 0,
                Json.MAPPER.createObjectNode()));
        assertThat(template.described).isEmpty();
        assertThat(instances.asked).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"})
    void shouldSkipAGroupWhoseNewestInstanceRefreshIsStillRunning(String status) throws Exception {
        template.version(7, OLD_AMI);

        GroupDecision decision = service.decide(payload(group(pinned("7")), refresh(status)));

        assertThat(decision).isEqualTo(new GroupDecision("skip", "instance refresh " + REFRESH + " is already " + status,
                null, null, false, 0, Json.MAPPER.createObjectNode()));
        assertThat(template.described).isEmpty();
        assertThat(template.created).isEmpty();
        assertThat(instances.asked).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"})
    void shouldRotateAGroupWhoseNewestInstanceRefreshHasEnded(String status) throws Exception {
        template.version(7, OLD_AMI).version(8, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("7")), refresh(status)));

        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.version()).isEqualTo("8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Launch", "Terminate", "InstanceRefresh"})
    void shouldSkipAGroupWhoseProcessesARefreshNeedsAreSuspended(String process) throws Exception {
        template.version(7, OLD_AMI).version(8, AMI);
        String suspended = group(pinned("7")).replace("\"TerminationPolicies\"", "\"SuspendedProcesses\": [{\"ProcessName\": \""
                + process + "\", \"SuspensionReason\": \"User suspended at 2026-12-06T03:00:00Z\"}], \"TerminationPolicies\"");

        GroupDecision decision = service.decide(payload(suspended, ""));

        assertThat(decision).isEqualTo(new GroupDecision("skip", "its " + process + " process is suspended (User suspended at"
                + " 2026-12-06T03:00:00Z), so a refresh would replace no instance; it is rotated once the process is resumed",
                null, null, false, 0, Json.MAPPER.createObjectNode()));
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldRotateAGroupWhoseSuspendedProcessesARefreshDoesNotNeed() throws Exception {
        template.version(7, OLD_AMI).version(8, AMI);
        String suspended = group(pinned("7")).replace("\"TerminationPolicies\"", "\"SuspendedProcesses\": [{\"ProcessName\":"
                + " \"AZRebalance\", \"SuspensionReason\": \"User suspended at 2026-12-06T03:00:00Z\"}], \"TerminationPolicies\"");

        assertThat(service.decide(payload(suspended, "")).action()).isEqualTo("refresh");
    }

    @Test
    void shouldSkipAGroupThatUsesALaunchConfiguration() throws Exception {
        GroupDecision decision = service.decide(payload("""
                {"AutoScalingGroupName": "web-blue", "LaunchConfigurationName": "web-lc", "MinSize": 1, "MaxSize": 2,
                 "DesiredCapacity": 1, "Instances": [{"InstanceId": "i-4ba0837f", "LaunchConfigurationName": "web-lc",
                 "LifecycleState": "InService", "HealthStatus": "Healthy"}]}""", ""));

        assertThat(decision).isEqualTo(new GroupDecision("skip", "uses a launch configuration; rotation needs a launch template",
                null, null, false, 0, Json.MAPPER.createObjectNode()));
        assertThat(template.described).isEmpty();
    }

    @Test
    void shouldPinTheGroupsOwnVersionWhenItAlreadyCarriesTheImage() throws Exception {
        template.version(5, OLD_AMI).version(7, AMI).version(8, OTHER_AMI);
        running("i-0123456789abcdef0", OLD_AMI, Duration.ofHours(3));
        running("i-0123456789abcdef1", AMI, Duration.ofHours(1));

        GroupDecision decision = service.decide(payload(group(pinned("7")), ""));

        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.version()).isEqualTo("7");
        assertThat(decision.createdVersion()).isFalse();
        assertThat(decision.instances()).isEqualTo(2);
        assertThat(decision.reason()).isEqualTo("1 of 2 instances run another image than " + AMI);
        assertThat(template.described).containsExactly(new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "7"));
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldPinLatestWhenItCarriesTheImageAndTheGroupsOwnVersionDoesNot() throws Exception {
        template.version(5, OLD_AMI).version(9, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("5")), ""));

        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.launchTemplateId()).isEqualTo(LT);
        assertThat(decision.version()).isEqualTo("9");
        assertThat(decision.createdVersion()).isFalse();
        assertThat(decision.reason()).isEqualTo("the group launches version 5 of " + LT + "; " + AMI + " is in version 9");
        assertThat(template.described).containsExactly(
                new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "5"),
                new Fakes.Lookup(new Ports.TemplateRef(LT, null), "$Latest"));
        assertThat(template.created).isEmpty();
        assertThat(decision.request().at("/DesiredConfiguration/LaunchTemplate/Version").asText()).isEqualTo("9");
    }

    @Test
    void shouldCreateAVersionFromTheGroupsResolvedVersionWhenNoVersionCarriesTheImage() throws Exception {
        template.version(3, OLD_AMI).version(4, OLD_AMI).version(6, OTHER_AMI);
        template.defaultVersion = 4;

        GroupDecision decision = service.decide(payload(group(pinned("$Default")), ""));

        assertThat(template.created).containsExactly(new Ports.NewVersion(LT, "4", "Kiln rotate: web on " + AMI, AMI));
        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.version()).isEqualTo("7");
        assertThat(decision.createdVersion()).isTrue();
        assertThat(decision.reason()).isEqualTo("no version of " + LT + " carried " + AMI + ": created version 7 from version 4");
        assertThat(decision.request().at("/DesiredConfiguration/LaunchTemplate")).isEqualTo(json("""
                {"LaunchTemplateId": "%s", "Version": "7"}""".formatted(LT)));
    }

    @Test
    void shouldResolveADefaultVersionToItsNumberAndPinTheGroupToIt() throws Exception {
        template.version(4, AMI).version(5, OTHER_AMI);
        template.defaultVersion = 4;
        running("i-0123456789abcdef0", AMI, Duration.ofHours(1));

        GroupDecision decision = service.decide(payload(group(pinned("$Default")), ""));

        // the image is current, but the group follows $Default: the refresh pins it to the number
        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.version()).isEqualTo("4");
        assertThat(decision.reason()).isEqualTo("the group launches version $Default of " + LT + "; " + AMI + " is in version 4");
        assertThat(decision.request().at("/DesiredConfiguration/LaunchTemplate/Version").asText()).isEqualTo("4");
        assertThat(Json.MAPPER.writeValueAsString(decision)).doesNotContain("\"$Default\"", "\"$Latest\"");
        assertThat(template.described).containsExactly(new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "$Default"));
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldResolveALatestVersionToItsNumberWithOneLookup() throws Exception {
        template.version(2, OLD_AMI).version(3, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("$Latest")), ""));

        assertThat(decision.version()).isEqualTo("3");
        assertThat(decision.request().at("/DesiredConfiguration/LaunchTemplate/Version").asText()).isEqualTo("3");
        assertThat(template.described).containsExactly(new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "$Latest"));
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldCreateFromTheLatestNumberWhenTheGroupFollowsLatestAndItLacksTheImage() throws Exception {
        template.version(2, OLD_AMI).version(3, OLD_AMI);

        GroupDecision decision = service.decide(payload(group(pinned("$Latest")), ""));

        assertThat(template.described).containsExactly(new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "$Latest"));
        assertThat(template.created).containsExactly(new Ports.NewVersion(LT, "3", "Kiln rotate: web on " + AMI, AMI));
        assertThat(decision.version()).isEqualTo("4");
        assertThat(decision.createdVersion()).isTrue();
    }

    @Test
    void shouldLookTheTemplateUpByNameWhenTheGroupGivesOnlyItsName() throws Exception {
        template.version(2, OLD_AMI).version(3, OLD_AMI);

        GroupDecision decision = service.decide(payload(group("""
                {"LaunchTemplateName": "web-template", "Version": "2"}"""), ""));

        assertThat(template.described).containsExactly(
                new Fakes.Lookup(new Ports.TemplateRef(null, "web-template"), "2"),
                new Fakes.Lookup(new Ports.TemplateRef(LT, null), "$Latest"));
        assertThat(template.created).containsExactly(new Ports.NewVersion(LT, "2", "Kiln rotate: web on " + AMI, AMI));
        assertThat(decision.launchTemplateId()).isEqualTo(LT);
        assertThat(decision.request().at("/DesiredConfiguration/LaunchTemplate")).isEqualTo(json("""
                {"LaunchTemplateId": "%s", "Version": "4"}""".formatted(LT)));
    }

    @Test
    void shouldPinOnlyTheLaunchTemplateOfAMixedInstancesPolicyAndKeepTheRestOfIt() throws Exception {
        template.version(11, OLD_AMI).version(12, AMI);
        String policy = """
                {"LaunchTemplate": {
                   "LaunchTemplateSpecification": {"LaunchTemplateId": "%s", "LaunchTemplateName": "web-template", "Version": "$Default"},
                   "Overrides": [{"InstanceType": "m7g.large", "WeightedCapacity": "2"},
                                 {"InstanceType": "c7g.large", "WeightedCapacity": "1"}]},
                 "InstancesDistribution": {"OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": 1,
                   "OnDemandPercentageAboveBaseCapacity": 50, "SpotAllocationStrategy": "price-capacity-optimized"}}"""
                .formatted(LT);
        template.defaultVersion = 11;

        GroupDecision decision = service.decide(payload("""
                {"AutoScalingGroupName": "web-blue", "MixedInstancesPolicy": %s, "MinSize": 2, "MaxSize": 6,
                 "DesiredCapacity": 2, "Instances": []}""".formatted(policy), ""));

        assertThat(template.described).containsExactly(
                new Fakes.Lookup(new Ports.TemplateRef(LT, "web-template"), "$Default"),
                new Fakes.Lookup(new Ports.TemplateRef(LT, null), "$Latest"));
        assertThat(decision.version()).isEqualTo("12");
        assertThat(decision.request().get("DesiredConfiguration")).isEqualTo(json("""
                {"MixedInstancesPolicy": {
                   "LaunchTemplate": {
                     "LaunchTemplateSpecification": {"LaunchTemplateId": "%s", "Version": "12"},
                     "Overrides": [{"InstanceType": "m7g.large", "WeightedCapacity": "2"},
                                   {"InstanceType": "c7g.large", "WeightedCapacity": "1"}]},
                   "InstancesDistribution": {"OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": 1,
                     "OnDemandPercentageAboveBaseCapacity": 50, "SpotAllocationStrategy": "price-capacity-optimized"}}}"""
                .formatted(LT)));
    }

    @Test
    void shouldSkipAGroupWhoseInstancesAllRunTheImageAndAreYoungerThanMaxAge() throws Exception {
        template.version(7, AMI);
        running("i-0123456789abcdef0", AMI, Duration.ofHours(15).plusMinutes(40));
        running("i-0123456789abcdef1", AMI, Duration.ofHours(2));

        GroupDecision decision = service.decide(payload(group(pinned("7")), refresh("Successful")));

        assertThat(decision).isEqualTo(new GroupDecision("skip",
                "already current: every instance runs " + AMI + " and the oldest is 15 hours old",
                LT, "7", false, 2, Json.MAPPER.createObjectNode()));
        assertThat(instances.asked).containsExactly("web-blue");
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldSkipAGroupWithNoInstancesWhoseOwnVersionPinsTheImage() throws Exception {
        template.version(7, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("7")), ""));

        assertThat(decision).isEqualTo(new GroupDecision("skip",
                "already current: no instances, and its template pins " + AMI, LT, "7", false, 0,
                Json.MAPPER.createObjectNode()));
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldRefreshAGroupWhoseOldestInstanceReachedMaxAge() throws Exception {
        config = CONFIGURED;
        template.version(7, AMI);
        running("i-0123456789abcdef0", AMI, Duration.ofHours(20));
        running("i-0123456789abcdef1", AMI, Duration.ofHours(1));

        GroupDecision decision = service.decide(payload(group(pinned("7")), ""));

        assertThat(decision.action()).isEqualTo("refresh");
        assertThat(decision.reason()).isEqualTo("the oldest instance, i-0123456789abcdef0, is 20 hours old (rotation.maxAgeHours is 20)");
        assertThat(decision.version()).isEqualTo("7");
        assertThat(decision.createdVersion()).isFalse();
        assertThat(decision.instances()).isEqualTo(2);
        assertThat(template.created).isEmpty();
    }

    @Test
    void shouldRenderTheRefreshRequestWithoutOptionalPreferencesWhenNoneAreConfigured() throws Exception {
        template.version(5, OLD_AMI).version(9, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("5")), ""));

        assertThat(decision.request()).isEqualTo(json("""
                {"AutoScalingGroupName": "web-blue", "Strategy": "Rolling",
                 "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "%s", "Version": "9"}},
                 "Preferences": {"MinHealthyPercentage": 90, "InstanceWarmup": 300, "SkipMatching": false, "AutoRollback": true}}
                """.formatted(LT)));
    }

    @Test
    void shouldAddMaxHealthyPercentageAndAlarmsToTheRequestOnlyWhenConfigured() throws Exception {
        config = CONFIGURED;
        template.version(5, OLD_AMI).version(9, AMI);

        GroupDecision decision = service.decide(payload(group(pinned("5")), ""));

        assertThat(decision.request()).isEqualTo(json("""
                {"AutoScalingGroupName": "web-blue", "Strategy": "Rolling",
                 "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "%s", "Version": "9"}},
                 "Preferences": {"MinHealthyPercentage": 50, "MaxHealthyPercentage": 150, "InstanceWarmup": 120,
                                 "SkipMatching": false, "AutoRollback": false,
                                 "AlarmSpecification": {"Alarms": ["web-5xx", "web-latency"]}}}
                """.formatted(LT)));
        assertThat(decision.request().get("Preferences").fieldNames()).toIterable().containsExactly(
                "MinHealthyPercentage", "MaxHealthyPercentage", "InstanceWarmup", "SkipMatching", "AutoRollback",
                "AlarmSpecification");
    }

    @Test
    void shouldFailTheGroupWithATypedErrorWhenItsTemplateIsGone() throws Exception {
        GroupRequest request = payload(group("""
                {"LaunchTemplateId": "lt-0ffffffffffffffff", "Version": "3"}"""), "");

        assertThatThrownBy(() -> service.decide(request)).isInstanceOf(LaunchTemplateNotFoundException.class);
        assertThat(template.created).isEmpty();
        assertThat(instances.asked).isEmpty();
    }

    @Test
    void shouldRefuseAPayloadWhoseImageIsNotAnAmi() {
        assertThatThrownBy(() -> GroupRequest.parse(json("""
                {"item": {"asg": "web-blue", "role": "web", "imageId": "latest"}, "groups": [], "refreshes": []}""")))
                .isInstanceOf(InvalidGroupRequestException.class)
                .hasMessage("item.imageId: must be an AMI id (ami-...), got \"latest\"");
    }

    @Test
    void shouldRefuseAPayloadWithoutTheGroupsAutoScalingDescribed() {
        assertThatThrownBy(() -> GroupRequest.parse(json("""
                {"item": {"asg": "web-blue", "role": "web", "imageId": "%s"}, "refreshes": []}""".formatted(AMI))))
                .isInstanceOf(InvalidGroupRequestException.class)
                .hasMessage("groups: must be the AutoScalingGroups array of DescribeAutoScalingGroups, got nothing");
    }

    @Test
    void shouldTakeAGroupThatNamesNoVersionToLaunchItsDefaultVersion() throws Exception {
        GroupRequest request = payload(group("{\"LaunchTemplateId\": \"" + LT + "\", \"LaunchTemplateName\": \"web-template\"}"), "");

        assertThat(request.group()).get().extracting(g -> g.launchTemplate().orElseThrow())
                .isEqualTo(new GroupRequest.TemplateSpec(LT, "web-template", "$Default"));
        assertThat(request.newestRefresh()).isEmpty();
    }
}
