package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class KilnStackTest {

    private final Template template = Synthesized.kiln().template();

    @Test
    void shouldCreateTheKilnEventBusNamedAfterTheDeployment() {
        template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "kiln"));
    }

    @Test
    void shouldTellTheTeamOfAnyMessageInAnyDeadLetterQueue() {
        Map<String, Map<String, Object>> queues = template.findResources("AWS::SQS::Queue");
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm", Map.of("Properties", Match.objectLike(Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Namespace", "AWS/SQS",
                "Threshold", 1,
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("NotificationsTopic.*")))))));

        assertThat(queues).hasSizeGreaterThan(10);
        assertThat(alarms.values()).extracting(alarm -> CloudFormationValues.JSON.valueToTree(alarm).at("/Properties/Dimensions/0/Value/Fn::GetAtt/0").asText())
                .containsExactlyInAnyOrderElementsOf(queues.keySet());
    }

    @Test
    void shouldTellWhereToSubscribeAndWhereEventsGo() {
        template.hasOutput("NotificationTopicArn", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("NotificationsTopic.*"))));
        template.hasOutput("EventBusName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("Bus.*"))));
        template.hasOutput("NotifyFunctionName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("NotificationsNotifyFunction.*"))));
    }

    @Test
    void shouldStoreTheNormalizedConfigurationForTheFunctions() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/kiln/config",
                "Type", "String",
                "Tier", "Standard",
                "Value", dev.kiln.common.config.KilnConfigJson.write(Synthesized.kiln().config()),
                "Description", Match.anyValue()));
    }

    @Test
    void shouldRefuseAConfigurationWithProblemsAtSynthesis() {
        assertThatThrownBy(() -> KilnApp.readConfig(java.nio.file.Path.of(
                KilnStackTest.class.getResource("/config/broken.json").getPath())))
                .isInstanceOf(dev.kiln.common.config.InvalidConfigException.class)
                .hasMessageContaining("roles[0] (web).parent: give either amazonLinux (with architecture) or role");
    }

    @Test
    void shouldRefuseADeploymentNameThatCannotPrefixStateMachineNames() {
        assertThatThrownBy(() -> new KilnStack.Settings("Kiln Prod", Synthesized.layout(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'Kiln Prod'");
    }
}
