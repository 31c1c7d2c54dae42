package dev.kiln.infra.constructs;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** The hooks as a user adds them to a group in their own stack. */
class KilnLifecycleHooksTest {

    @Test
    void shouldHoldLaunchesUntilVerifiedAndNeverBlockScaleIn() {
        Stack stack = new Stack(new App(), "Fleet");
        new KilnLifecycleHooks(stack, "WebHooks", KilnLifecycleHooks.Props.of("web-asg"));

        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::AutoScaling::LifecycleHook", 2);
        template.hasResourceProperties("AWS::AutoScaling::LifecycleHook", Map.of(
                "AutoScalingGroupName", "web-asg",
                "LifecycleHookName", "kiln-launch",
                "LifecycleTransition", "autoscaling:EC2_INSTANCE_LAUNCHING",
                "HeartbeatTimeout", 600,
                "DefaultResult", "ABANDON"));
        template.hasResourceProperties("AWS::AutoScaling::LifecycleHook", Map.of(
                "AutoScalingGroupName", "web-asg",
                "LifecycleHookName", "kiln-drain",
                "LifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING",
                "HeartbeatTimeout", 600,
                "DefaultResult", "CONTINUE"));
    }

    @Test
    void shouldNameTheHooksAfterTheDeployment() {
        Stack stack = new Stack(new App(), "Fleet");
        new KilnLifecycleHooks(stack, "WebHooks", new KilnLifecycleHooks.Props("web-asg", "kiln-staging",
                Duration.minutes(15), Duration.minutes(5)));

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::AutoScaling::LifecycleHook", Map.of(
                "LifecycleHookName", "kiln-staging-launch", "HeartbeatTimeout", 900));
        template.hasResourceProperties("AWS::AutoScaling::LifecycleHook", Map.of(
                "LifecycleHookName", "kiln-staging-drain", "HeartbeatTimeout", 300));
    }
}
