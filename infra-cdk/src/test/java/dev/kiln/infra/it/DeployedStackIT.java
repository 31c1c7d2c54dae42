package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

/** What `scripts/deploy-local` left in the local cloud: its functions, its dashboard and its alarms. */
class DeployedStackIT {

    private final CloudFormationClient cloudFormation = LocalCloud.client(CloudFormationClient.builder());
    private final LambdaClient lambda = LocalCloud.client(LambdaClient.builder());
    private final CloudWatchClient cloudWatch = LocalCloud.client(CloudWatchClient.builder());
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldHaveEveryDeployedFunctionActiveOnTheJava25RuntimeWithItsAliasOnAPublishedVersion() {
        List<String> functions = LocalCloud.stackResources("AWS::Lambda::Function");

        assertThat(functions).isNotEmpty();
        for (String function : functions) {
            FunctionConfiguration configuration = lambda.getFunction(r -> r.functionName(function)).configuration();
            assertThat(configuration.state()).as("state of %s", function).isEqualTo(State.ACTIVE);
            assertThat(configuration.lastUpdateStatus()).as("last update of %s", function)
                    .isEqualTo(LastUpdateStatus.SUCCESSFUL);
            assertThat(configuration.runtimeAsString()).isEqualTo("java25");
            assertThat(lambda.getAlias(r -> r.functionName(function).name("live")).functionVersion())
                    .as("the version %s's alias live points at", function).matches("[0-9]+");
        }
    }

    @Test
    void shouldHaveTheDashboardAndEveryAlarmInCloudWatchEachAlarmTellingTheTeam() throws Exception {
        List<StackResourceSummary> resources = cloudFormation.listStackResourcesPaginator(r -> r.stackName(LocalCloud.STACK))
                .stackResourceSummaries().stream().toList();
        String topic = LocalCloud.stackOutput("NotificationTopicArn");

        List<String> dashboards = resources.stream().filter(r -> r.resourceType().equals("AWS::CloudWatch::Dashboard"))
                .map(StackResourceSummary::physicalResourceId).toList();
        assertThat(dashboards).containsExactly(LocalCloud.STACK);
        JsonNode body = json.readTree(cloudWatch.getDashboard(r -> r.dashboardName(LocalCloud.STACK)).dashboardBody());
        assertThat(body.path("widgets").size()).isGreaterThan(10);

        List<String> alarms = resources.stream().filter(r -> r.resourceType().equals("AWS::CloudWatch::Alarm"))
                .map(StackResourceSummary::physicalResourceId).toList();
        assertThat(alarms).isNotEmpty();
        for (int from = 0; from < alarms.size(); from += 100) {
            List<String> batch = alarms.subList(from, Math.min(alarms.size(), from + 100));
            List<MetricAlarm> found = cloudWatch.describeAlarms(r -> r.alarmNames(batch).maxRecords(100)).metricAlarms();
            assertThat(found).extracting(MetricAlarm::alarmName).containsExactlyInAnyOrderElementsOf(batch);
            assertThat(found).allSatisfy(alarm -> {
                assertThat(alarm.alarmActions()).as(alarm.alarmName()).containsExactly(topic);
                assertThat(alarm.alarmDescription()).as(alarm.alarmName()).contains("Runbook:");
            });
        }
    }
}
