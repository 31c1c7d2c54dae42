package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
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
        // the alias's name, <function>:live, which CloudFormation reads from the alias's ARN
        Capture notify = new Capture();
        template.hasOutput("NotifyFunctionName", Map.of("Value", notify));
        assertThat(CloudFormationValues.JSON.valueToTree(notify.asObject()).toString())
                .matches(".*\\{\"Ref\":\"NotificationsNotifyLive[0-9A-F]+\"}.*")
                .endsWith(",\":live\"]]}");
    }

    @Test
    void shouldSnapshotEveryFunctionThatMayHaveSnapStart() {
        template.findResources("AWS::Lambda::Function").forEach((id, function) -> {
            JsonNode properties = CloudFormationValues.JSON.valueToTree(function).path("Properties");
            String applyOn = properties.at("/SnapStart/ApplyOn").asText();
            if (properties.at("/EphemeralStorage/Size").asInt(512) > 512) {
                assertThat(applyOn).as(id + ": more than 512 MB of /tmp, which SnapStart refuses").isEqualTo("None");
            } else {
                assertThat(applyOn).as(id).isEqualTo("PublishedVersions");
            }
        });
    }

    @Test
    void shouldHaveEveryCallerInvokeAFunctionsLiveAliasNotLatest() {
        assertThat(template.findResources("AWS::Lambda::Alias", Map.of("Properties", Match.objectLike(Map.of("Name", "live")))))
                .hasSameSizeAs(template.findResources("AWS::Lambda::Function"));
        assertThat(callersOfLatest(template)).as("what names a function unqualified, so runs $LATEST").isEmpty();
    }

    /** The resources and outputs of {@code template} that name one of its functions, not its alias. */
    static List<String> callersOfLatest(Template template) {
        JsonNode whole = CloudFormationValues.JSON.valueToTree(template.toJSON());
        Set<String> functions = template.findResources("AWS::Lambda::Function").keySet();
        // a function's version and alias name it; its alarms and dashboard read metrics of all its versions
        Set<String> mayNameTheFunction = Set.of("AWS::Lambda::Version", "AWS::Lambda::Alias",
                "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard");
        List<String> callers = new ArrayList<>();
        whole.path("Resources").fields().forEachRemaining(resource -> {
            String type = resource.getValue().path("Type").asText();
            boolean qualified = resource.getValue().at("/Properties/Qualifier").asText().equals("live"); // a Function URL's
            if (!mayNameTheFunction.contains(type) && !qualified && namesAny(resource.getValue(), functions)) {
                callers.add(resource.getKey() + " (" + type + ")");
            }
        });
        whole.path("Outputs").fields().forEachRemaining(output -> {
            if (namesAny(output.getValue(), functions)) {
                callers.add("output " + output.getKey());
            }
        });
        return callers;
    }

    /** Whether {@code node} refers ({@code Ref}, {@code Fn::GetAtt}) to one of the resources {@code ids}. */
    private static boolean namesAny(JsonNode node, Set<String> ids) {
        if (node.has("Ref") && ids.contains(node.get("Ref").asText())
                || node.has("Fn::GetAtt") && ids.contains(node.get("Fn::GetAtt").path(0).asText())) {
            return true;
        }
        for (JsonNode child : node) {
            if (namesAny(child, ids)) {
                return true;
            }
        }
        return false;
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
