package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void shouldTellWhereToSubscribeAndWhereEventsGo() {
        template.hasOutput("NotificationTopicArn", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("NotificationsTopic.*"))));
        template.hasOutput("EventBusName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("Bus.*"))));
        template.hasOutput("NotifyFunctionName", Map.of("Value", Map.of("Ref", Match.stringLikeRegexp("NotificationsNotifyFunction.*"))));
    }

    @Test
    void shouldRefuseADeploymentNameThatCannotPrefixStateMachineNames() {
        assertThatThrownBy(() -> new KilnStack.Settings("Kiln Prod", Synthesized.layout(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'Kiln Prod'");
    }
}
