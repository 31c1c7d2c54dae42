package dev.kiln.infra.statemachines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bakeplan.BakePlanService;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Synthesized;
import dev.kiln.lifecycleplan.LifecyclePlanService;
import dev.kiln.patchplan.PatchPlanService;
import java.io.IOException;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * Each workflow's worst case, computed from its definition and the most its configuration allows (every
 * timeout its longest, every poll its shortest, every role there may be), stays within Step Functions'
 * 25,000 history events; one group's rotation fits the time the configuration allows it.
 */
class StateMachineLimitsTest {

    /** The configuration at its limits. */
    private static final KilnConfig SLOWEST = KilnConfigJson.read("""
            {"repository": {"owner": "example-org", "name": "fleet", "branch": "main"},
             "builder": {"vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"], "instanceTypes": ["t4g.large"],
                         "ssmTimeoutMinutes": 60, "commandTimeoutMinutes": 2880, "imageTimeoutMinutes": 1440, "pollSeconds": 1},
             "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                        "tests": "t.sh", "watch": ["web/**"],
                        "deploy": {"service": "web", "timeoutMinutes": 120,
                                   "healthCheck": {"url": "http://127.0.0.1/health", "attempts": 100, "intervalSeconds": 60}},
                        "drain": {"command": "true", "timeoutSeconds": 3600}}],
             "rotation": {"pollSeconds": 1, "deadlineMinutes": %d}}""".formatted(KilnConfig.Rotation.MAX_DEADLINE_MINUTES));

    private static JsonNode definition(String workflow) throws IOException {
        return AslChecks.read(Synthesized.layout().root().resolve("statemachines/" + workflow + ".asl.json"));
    }

    /** A loop's bound, read from what the plan function answers at the configuration's limits. */
    private static ToIntFunction<String> from(String root, Object answer) {
        JsonNode tree = Json.MAPPER.createObjectNode().set(root, Json.MAPPER.valueToTree(answer));
        return path -> {
            JsonNode bound = tree.at(path.substring(1).replace('.', '/'));
            assertThat(bound.isInt()).as("%s names a count the plan answers", path).isTrue();
            return bound.asInt();
        };
    }

    private static ToIntFunction<String> noMaps(String workflow) {
        return map -> {
            throw new AssertionError(workflow + " has a Map (" + map + ") this test does not know the size of");
        };
    }

    private static void assertWithinHistory(String workflow, long events) {
        assertThat(events).as("%s's worst-case history events", workflow).isLessThan(AslLimits.HISTORY_LIMIT);
        System.out.printf("%s: at most %,d history events of %,d%n", workflow, events, AslLimits.HISTORY_LIMIT);
    }

    @Test
    void shouldKeepABakesHistoryWithinTheLimitWithItsLongestWaitsAndMostTemplates() throws IOException {
        JsonNode bake = definition("bake");
        // PublishFindTemplates asks for one page of templates; each gets a version
        int templates = bake.at("/States/PublishFindTemplates/Parameters/MaxResults").asInt();
        assertThat(templates).isEqualTo(200);

        assertWithinHistory("bake", AslLimits.historyEvents(bake, new AslLimits.Bounds(
                from("plan", Map.of("polls", BakePlanService.polls(SLOWEST.builder()))),
                map -> map.equals("PublishPinTemplates") ? templates : noMaps("bake").applyAsInt(map))));
    }

    @Test
    void shouldKeepALaunchsAndADrainsHistoryWithinTheLimitWithTheirLongestWaits() throws IOException {
        KilnConfig.Role role = SLOWEST.roles().get(0);
        for (String workflow : new String[] {"launch", "drain"}) {
            assertWithinHistory(workflow, AslLimits.historyEvents(definition(workflow), new AslLimits.Bounds(
                    from("plan", Map.of("polls", LifecyclePlanService.polls(role))), noMaps(workflow))));
        }
    }

    @Test
    void shouldKeepAPatchsHistoryWithinTheLimitHoweverManyRolesItBakesAndFollows() throws IOException {
        JsonNode patch = definition("patch");
        long worst = 0;
        for (int roles = 1; roles <= KilnConfig.MAX_ROLES; roles++) {
            int followers = roles;
            worst = Math.max(worst, AslLimits.historyEvents(patch, new AslLimits.Bounds(
                    from("polls", PatchPlanService.followPoll(SLOWEST.builder(), followers)), map -> followers)));
        }
        assertWithinHistory("patch", worst);
    }

    @Test
    void shouldKeepAPushsHistoryWithinTheLimitWithEveryRoleToBake() throws IOException {
        assertWithinHistory("push", AslLimits.historyEvents(definition("push"), new AslLimits.Bounds(
                path -> {
                    throw new AssertionError("push has no loop");
                }, map -> KilnConfig.MAX_ROLES)));
    }

    @Test
    void shouldKeepARotationsAndEachGroupsHistoryWithinTheLimitWithTheLongestDeadline() throws IOException {
        JsonNode rotate = definition("rotate");
        AslLimits.Bounds group = new AslLimits.Bounds(from("settings", Map.of("poll", SLOWEST.rotation().watch())), noMaps("rotate"));

        assertWithinHistory("rotate", AslLimits.historyEvents(rotate, group));
        assertWithinHistory("rotate (one group)", AslLimits.historyEvents(rotate.at("/States/Rotate/ItemProcessor"), group));
    }

    @Test
    void shouldKeepADistributionsAndEachRegionsHistoryWithinTheLimitWithThreeCopiesWaitedForToTheEnd() throws IOException {
        JsonNode distribute = definition("distribute");
        JsonNode region = distribute.at("/States/Regions/ItemProcessor");
        // each target in a region is pointed and told: the hub's account and each account and unit it is shared with
        int targets = KilnConfig.Distribution.MAX_PRINCIPALS_PER_REGION + 1;
        AslLimits.Bounds bounds = new AslLimits.Bounds(from("polls", region.at("/States/Polls/Result")),
                map -> map.equals("Targets") ? targets : noMaps("distribute").applyAsInt(map));

        assertWithinHistory("distribute", AslLimits.historyEvents(distribute, bounds));
        assertWithinHistory("distribute (one region)", AslLimits.historyEvents(region, bounds));
    }

    @Test
    void shouldFitOneGroupsCallsAndTheirRetriesInTheTimeTheConfigurationAllowsThem() throws IOException {
        JsonNode processor = definition("rotate").at("/States/Rotate/ItemProcessor");
        int groupFunctionSeconds = groupFunctionTimeoutSeconds();
        // an Auto Scaling, EC2 or DynamoDB call answers within a second; a function may take its whole timeout
        long seconds = AslLimits.callSeconds(processor, new AslLimits.Bounds(
                        from("settings", Map.of("poll", SLOWEST.rotation().watch())), noMaps("rotate")),
                task -> task.path("Resource").asText().endsWith(":lambda:invoke") ? groupFunctionSeconds : 1);

        System.out.printf("rotate (one group): at most %,d s in calls of %,d s allowed%n", seconds,
                KilnConfig.Rotation.GROUP_CALLS.toSeconds());
        assertThat(seconds).isLessThanOrEqualTo(KilnConfig.Rotation.GROUP_CALLS.toSeconds());
    }

    private static int groupFunctionTimeoutSeconds() {
        Map<String, Map<String, Object>> functions = Synthesized.kiln().template().findResources("AWS::Lambda::Function",
                Map.of("Properties", Match.objectLike(Map.of("Description", Match.stringLikeRegexp("Checks one group before its refresh.*")))));
        assertThat(functions).hasSize(1);
        JsonNode properties = CloudFormationValues.JSON.valueToTree(functions.values().iterator().next().get("Properties"));
        return properties.path("Timeout").asInt();
    }

    @Test
    void shouldCountALoopAsOftenAsTheBoundOfItsCountAllows() throws IOException {
        JsonNode loop = CloudFormationValues.JSON.readTree("""
                {"StartAt": "Ask", "States": {
                  "Ask": {"Type": "Pass", "Next": "Done"},
                  "Done": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.max", "Next": "End"}],
                           "Default": "Count"},
                  "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Ask"},
                  "End": {"Type": "Succeed"}}}""");

        // started and ended, three states of 2 events each going round 10 + 1 times, and the end
        assertThat(AslLimits.historyEvents(loop, new AslLimits.Bounds(path -> path.equals("$.max") ? 10 : -1, noMaps("test"))))
                .isEqualTo(2 + 3 * 2 * 11 + 2);
    }

    @Test
    void shouldRefuseALoopThatNoCountBounds() throws IOException {
        JsonNode loop = CloudFormationValues.JSON.readTree("""
                {"StartAt": "Ask", "States": {
                  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ec2:describeImages", "Parameters": {}, "Next": "Ready"},
                  "Ready": {"Type": "Choice", "Choices": [{"Variable": "$.state", "StringEquals": "available", "Next": "End"}],
                            "Default": "Ask"},
                  "End": {"Type": "Succeed"}}}""");

        assertThatThrownBy(() -> AslLimits.historyEvents(loop, new AslLimits.Bounds(path -> 1, noMaps("test"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Ask").hasMessageContaining("Ready").hasMessageContaining("bounded by no count");
    }
}
