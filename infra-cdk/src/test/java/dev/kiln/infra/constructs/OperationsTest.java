package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Synthesized;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class OperationsTest {

    private static Template template;
    private static String topic;
    private static JsonNode dashboard;
    private static Map<String, Map<String, Object>> functions;
    private static String bake;

    @BeforeAll
    static void synthesize() throws Exception {
        template = Synthesized.kiln().template();
        topic = single(template.findResources("AWS::SNS::Topic").keySet());
        Map<String, Map<String, Object>> dashboards = template.findResources("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        JsonNode body = CloudFormationValues.JSON.valueToTree(dashboards.values().iterator().next())
                .at("/Properties/DashboardBody");
        dashboard = CloudFormationValues.JSON.readTree(joined(body));
        bake = single(template.findResources("AWS::StepFunctions::StateMachine", Map.of("Properties",
                Match.objectLike(Map.of("StateMachineName", "kiln-bake")))).keySet());
        functions = template.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of(
                "Environment", Map.of("Variables", Match.objectLike(
                        Map.of("POWERTOOLS_SERVICE_NAME", Match.anyValue()))))));
    }

    /** The dashboard body's Fn::Join as one string; a reference to a resource becomes ${LogicalId} (or ${LogicalId.Attribute}). */
    private static String joined(JsonNode body) {
        if (body.isTextual()) {
            return body.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : body.at("/Fn::Join/1")) {
            if (part.isTextual()) {
                text.append(part.asText());
            } else if (part.has("Ref")) {
                text.append("${").append(part.get("Ref").asText()).append('}');
            } else {
                text.append("${").append(part.at("/Fn::GetAtt/0").asText()).append('.')
                        .append(part.at("/Fn::GetAtt/1").asText()).append('}');
            }
        }
        return text.toString();
    }

    private static String single(Iterable<String> values) {
        List<String> all = new ArrayList<>();
        values.forEach(all::add);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static JsonNode alarm(String name) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::CloudWatch::Alarm",
                Map.of("Properties", Match.objectLike(Map.of("AlarmName", name))));
        assertThat(found).as("alarm %s", name).hasSize(1);
        return CloudFormationValues.JSON.valueToTree(found.values().iterator().next()).get("Properties");
    }

    /** The alarm's metric-math query whose id is {@code id}. */
    private static JsonNode query(JsonNode alarm, String id) {
        return StreamSupport.stream(alarm.get("Metrics").spliterator(), false)
                .filter(q -> q.get("Id").asText().equals(id)).findFirst().orElseThrow();
    }

    private static JsonNode widget(String title) {
        return StreamSupport.stream(dashboard.get("widgets").spliterator(), false)
                .filter(w -> title.equals(w.at("/properties/title").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no widget " + title));
    }

    /** A graph widget's metrics as "namespace metric dimension=value ... stat period label". */
    private static List<String> lines(String title) {
        List<String> lines = new ArrayList<>();
        for (JsonNode metric : widget(title).at("/properties/metrics")) {
            StringBuilder line = new StringBuilder();
            JsonNode options = null;
            List<String> parts = new ArrayList<>();
            for (JsonNode part : metric) {
                if (part.isObject()) {
                    options = part;
                } else {
                    parts.add(part.asText());
                }
            }
            line.append(parts.get(0)).append(' ').append(parts.get(1));
            for (int i = 2; i + 1 < parts.size(); i += 2) {
                line.append(' ').append(parts.get(i)).append('=').append(parts.get(i + 1));
            }
            line.append(' ').append(options.path("stat").asText("Average")).append(' ').append(options.path("period").asInt(300))
                    .append(' ').append(options.path("label").asText());
            lines.add(line.toString());
        }
        return lines;
    }

    private void assertActionIsTheTeamsTopic(JsonNode alarm) {
        assertThat(alarm.get("AlarmActions")).hasSize(1);
        assertThat(alarm.at("/AlarmActions/0/Ref").asText()).isEqualTo(topic);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "push, GitHubStateMachine",
            "bake, BakeStateMachine",
            "launch, LifecycleLaunch",
            "drain, LifecycleDrain",
            "announce, AdvisoriesAnnounce",
            "patch, AdvisoriesPatch",
            "rotate, RotationRotate",
            "blue-green, BlueGreenStateMachine",
            "distribute, DistributionStateMachine"})
    void shouldAlarmWhenAWorkflowFailsThreeTimesInSixHoursAndNeverSucceeds(String workflow, String machine) {
        JsonNode alarm = alarm("kiln-" + workflow + "-failing-in-a-row");

        assertThat(query(alarm, "expr_1").get("Expression").asText())
                .isEqualTo("IF(FILL(failed, 0) + FILL(timedOut, 0) >= 3 AND FILL(succeeded, 0) == 0, 1, 0)");
        for (String[] id : new String[][] {{"failed", "ExecutionsFailed"}, {"timedOut", "ExecutionsTimedOut"},
                {"succeeded", "ExecutionsSucceeded"}}) {
            JsonNode stat = query(alarm, id[0]).get("MetricStat");
            assertThat(stat.at("/Metric/Namespace").asText()).isEqualTo("AWS/States");
            assertThat(stat.at("/Metric/MetricName").asText()).isEqualTo(id[1]);
            assertThat(stat.at("/Metric/Dimensions/0/Name").asText()).isEqualTo("StateMachineArn");
            assertThat(stat.at("/Metric/Dimensions/0/Value/Ref").asText()).startsWith(machine);
            assertThat(stat.get("Stat").asText()).isEqualTo("Sum");
            assertThat(stat.get("Period").asInt()).isEqualTo(21600);
        }
        assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(1);
        assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
        assertActionIsTheTeamsTopic(alarm);
    }

    @Test
    void shouldAlarmOnAnyErrorOrThrottleOfEveryKilnFunctionWithinFiveMinutes() {
        assertThat(functions).hasSizeGreaterThan(20);
        for (Map.Entry<String, Map<String, Object>> function : functions.entrySet()) {
            String service = CloudFormationValues.JSON.valueToTree(function.getValue())
                    .at("/Properties/Environment/Variables/POWERTOOLS_SERVICE_NAME").asText();
            JsonNode alarm = alarm("kiln-lambda-" + service.replaceFirst("^kiln-", "") + "-failing");

            assertThat(query(alarm, "expr_1").get("Expression").asText()).isEqualTo("FILL(errors, 0) + FILL(throttles, 0)");
            for (String[] id : new String[][] {{"errors", "Errors"}, {"throttles", "Throttles"}}) {
                JsonNode stat = query(alarm, id[0]).get("MetricStat");
                assertThat(stat.at("/Metric/Namespace").asText()).isEqualTo("AWS/Lambda");
                assertThat(stat.at("/Metric/MetricName").asText()).isEqualTo(id[1]);
                assertThat(stat.at("/Metric/Dimensions/0/Name").asText()).isEqualTo("FunctionName");
                assertThat(stat.at("/Metric/Dimensions/0/Value/Ref").asText()).isEqualTo(function.getKey());
                assertThat(stat.get("Stat").asText()).isEqualTo("Sum");
                assertThat(stat.get("Period").asInt()).isEqualTo(300);
            }
            assertThat(alarm.get("Threshold").asDouble()).isZero();
            assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanThreshold");
            assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(1);
            assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
            assertActionIsTheTeamsTopic(alarm);
        }
    }

    @Test
    void shouldAlarmWhenTheAdvisoryFeedHasNotRunForTwoOfItsIntervals() {
        JsonNode alarm = alarm("kiln-advisory-feed-not-running");

        assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/Lambda");
        assertThat(alarm.get("MetricName").asText()).isEqualTo("Invocations");
        assertThat(alarm.at("/Dimensions/0/Name").asText()).isEqualTo("FunctionName");
        assertThat(alarm.at("/Dimensions/0/Value/Ref").asText()).startsWith("AdvisoriesFeedFunction");
        assertThat(alarm.get("Statistic").asText()).isEqualTo("Sum");
        assertThat(alarm.get("Period").asInt()).as("advisories.everyMinutes of examples/kiln.json").isEqualTo(900);
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(2);
        assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
        assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("breaching");
        assertActionIsTheTeamsTopic(alarm);
    }

    @Test
    void shouldAlarmWhenTheWebhookRefusesTenSignaturesInFiveMinutes() {
        JsonNode alarm = alarm("kiln-webhook-signatures-refused");

        assertThat(alarm.get("Namespace").asText()).isEqualTo("Kiln");
        assertThat(alarm.get("MetricName").asText()).isEqualTo("WebhookRefusals");
        assertThat(alarm.get("Dimensions")).isEqualTo(CloudFormationValues.JSON.valueToTree(
                List.of(Map.of("Name", "Reason", "Value", "signature"))));
        assertThat(alarm.get("Statistic").asText()).isEqualTo("Sum");
        assertThat(alarm.get("Period").asInt()).isEqualTo(300);
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(1);
        assertThat(alarm.get("Threshold").asDouble()).isEqualTo(10);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
        assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
        assertActionIsTheTeamsTopic(alarm);
    }

    @Test
    void shouldAlarmWhenMoreThanAFifthOfAtLeastFiveLaunchesInAnHourWereAbandoned() {
        JsonNode alarm = alarm("kiln-launch-abandon-rate");

        assertThat(query(alarm, "expr_1").get("Expression").asText()).isEqualTo(
                "IF(FILL(abandoned, 0) + FILL(continued, 0) >= 5,"
                        + " FILL(abandoned, 0) / (FILL(abandoned, 0) + FILL(continued, 0)), 0)");
        JsonNode abandoned = query(alarm, "abandoned").get("MetricStat");
        assertThat(abandoned.at("/Metric/Namespace").asText()).isEqualTo("Kiln");
        assertThat(abandoned.at("/Metric/MetricName").asText()).isEqualTo("LifecycleActions");
        assertThat(abandoned.at("/Metric/Dimensions")).isEqualTo(CloudFormationValues.JSON.valueToTree(
                List.of(Map.of("Name", "Result", "Value", "ABANDON"))));
        JsonNode continued = query(alarm, "continued").get("MetricStat");
        assertThat(continued.at("/Metric/Namespace").asText()).isEqualTo("AWS/States");
        assertThat(continued.at("/Metric/MetricName").asText()).isEqualTo("ExecutionsSucceeded");
        assertThat(continued.at("/Metric/Dimensions/0/Value/Ref").asText()).startsWith("LifecycleLaunch");
        for (JsonNode stat : List.of(abandoned, continued)) {
            assertThat(stat.get("Stat").asText()).isEqualTo("Sum");
            assertThat(stat.get("Period").asInt()).isEqualTo(3600);
        }
        assertThat(alarm.get("Threshold").asDouble()).isEqualTo(0.2);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanThreshold");
        assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(1);
        assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
        assertActionIsTheTeamsTopic(alarm);
    }

    @Test
    void shouldGiveEveryAlarmInTheStackTheTeamsTopicAndARunbook() {
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");

        assertThat(alarms).hasSizeGreaterThan(functions.size() + 9 + 3);
        for (Map<String, Object> resource : alarms.values()) {
            JsonNode alarm = CloudFormationValues.JSON.valueToTree(resource).get("Properties");
            assertThat(alarm.get("AlarmDescription").asText()).as(alarm.get("AlarmName").asText()).contains("Runbook: ");
            assertActionIsTheTeamsTopic(alarm);
        }
    }

    @Test
    void shouldShowEveryWidgetInOrder() {
        List<String> titles = new ArrayList<>();
        dashboard.get("widgets").forEach(w -> titles.add(w.at("/properties/title").asText(w.get("type").asText())));

        assertThat(titles).containsExactly("text",
                "Executions: push", "Executions: bake", "Executions: launch", "Executions: drain",
                "Executions: announce", "Executions: patch", "Executions: rotate", "Executions: blue-green", "Executions: distribute",
                "Bake duration (p50, p90)", "Launch deploy duration (p50, p90)", "Launch lifecycle actions: CONTINUE vs ABANDON",
                "Rotation outcomes", "Advisories announced and patched", "Webhook requests refused for their signature",
                "Lambda errors", "Lambda throttles", "Lambda duration (p90)",
                "Dead-letter queue depth", "Kiln's alarms (dead-letter queues: the -undelivered- alarms)");
    }

    @Test
    void shouldShowEachWorkflowsExecutionsStartedSucceededFailedAndTimedOut() {
        assertThat(lines("Executions: bake")).containsExactly(
                "AWS/States ExecutionsStarted StateMachineArn=${" + bake + "} Sum 3600 started",
                "AWS/States ExecutionsSucceeded StateMachineArn=${" + bake + "} Sum 3600 succeeded",
                "AWS/States ExecutionsFailed StateMachineArn=${" + bake + "} Sum 3600 failed",
                "AWS/States ExecutionsTimedOut StateMachineArn=${" + bake + "} Sum 3600 timed out");
        assertThat(lines("Executions: blue-green")).hasSize(4)
                .allMatch(line -> line.contains("StateMachineArn=${BlueGreenStateMachine"));
    }

    @Test
    void shouldShowBakeAndLaunchDurationsAtTheMedianAndNinetiethPercentile() {
        assertThat(lines("Bake duration (p50, p90)")).containsExactly(
                "AWS/States ExecutionTime StateMachineArn=${" + bake + "} p50 3600 p50",
                "AWS/States ExecutionTime StateMachineArn=${" + bake + "} p90 3600 p90");
        assertThat(lines("Launch deploy duration (p50, p90)")).hasSize(2)
                .allMatch(line -> line.startsWith("AWS/States ExecutionTime StateMachineArn=${LifecycleLaunch"));
    }

    @Test
    void shouldShowLifecycleActionsRotationsAdvisoriesAndRefusedSignatures() {
        assertThat(lines("Launch lifecycle actions: CONTINUE vs ABANDON")).satisfiesExactly(
                line -> assertThat(line).matches("AWS/States ExecutionsSucceeded StateMachineArn=\\$\\{LifecycleLaunch\\w+\\}"
                        + " Sum 3600 CONTINUE \\(launch executions succeeded\\)"),
                line -> assertThat(line).isEqualTo("Kiln LifecycleActions Result=ABANDON Sum 3600 ABANDON"));
        assertThat(lines("Rotation outcomes")).containsExactly(
                "Kiln Rotations Status=SUCCEEDED Sum 3600 succeeded",
                "Kiln Rotations Status=PARTIAL Sum 3600 partial",
                "Kiln Rotations Status=FAILED Sum 3600 failed");
        assertThat(lines("Advisories announced and patched")).containsExactly(
                "Kiln/Advisories AdvisoriesAnnounced Feed=AL2023 Sum 3600 announced (AL2023)",
                "Kiln Patches State=PATCHED Sum 3600 patched",
                "Kiln Patches State=INCOMPLETE Sum 3600 not fully patched");
        assertThat(lines("Webhook requests refused for their signature")).containsExactly(
                "Kiln WebhookRefusals Reason=signature Sum 300 refused for their signature");
    }

    @Test
    void shouldShowEveryFunctionsErrorsThrottlesAndDurationAndEveryQueuesDepth() {
        List<String> each = functions.keySet().stream().map(id -> "FunctionName=${" + id + "}").toList();

        for (String[] widget : new String[][] {{"Lambda errors", "Errors Sum"}, {"Lambda throttles", "Throttles Sum"},
                {"Lambda duration (p90)", "Duration p90"}}) {
            List<String> lines = lines(widget[0]);
            assertThat(lines).hasSameSizeAs(each).allMatch(line -> line.startsWith("AWS/Lambda " + widget[1].split(" ")[0])
                    && line.contains(" " + widget[1].split(" ")[1] + " 300 "));
            assertThat(lines.stream().map(line -> line.split(" ")[2]).toList()).containsExactlyInAnyOrderElementsOf(each);
        }
        List<String> queues = lines("Dead-letter queue depth");
        assertThat(queues.stream().map(line -> line.split(" ")[2]).toList()).containsExactlyInAnyOrderElementsOf(
                template.findResources("AWS::SQS::Queue").keySet().stream().map(id -> "QueueName=${" + id + ".QueueName}").toList());
        assertThat(queues).allMatch(line -> line.startsWith("AWS/SQS ApproximateNumberOfMessagesVisible ")
                && line.contains(" Maximum 300 "));
    }

    @Test
    void shouldListOperationsAlarmsInTheAlarmWidget() {
        JsonNode alarms = widget("Kiln's alarms (dead-letter queues: the -undelivered- alarms)").at("/properties/alarms");

        assertThat(alarms).hasSize(functions.size() + 9 + 3);
        assertThat(alarms).allMatch(arn -> arn.asText().matches("\\$\\{Operations\\w+\\.Arn\\}"));
    }
}
