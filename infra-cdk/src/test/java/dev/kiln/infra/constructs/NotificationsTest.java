package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Samples;
import dev.kiln.infra.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Ruler;

class NotificationsTest {

    private static Template template;
    private static String renderedPattern;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "Kiln workflow executions that failed, timed out or were aborted",
                "EventPattern", pattern));
        renderedPattern = CloudFormationValues.render(pattern.asObject()).toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "aws.states/execution-failed.json, true",
            "aws.states/execution-timed-out.json, true",
            "aws.states/execution-aborted.json, true",
            "aws.states/execution-succeeded.json, false",
            "aws.states/execution-running.json, false",
            "aws.states/execution-failed-other-state-machine.json, false"})
    void shouldMatchOnlyKilnExecutionsThatEndedBadly(String sample, boolean matches) throws Exception {
        assertThat(Ruler.matchesRule(Samples.event(sample), renderedPattern))
                .as("rule %s against %s", renderedPattern, sample)
                .isEqualTo(matches);
    }

    @Test
    void shouldListenOnTheDefaultBus() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "Description", "Kiln workflow executions that failed, timed out or were aborted",
                "EventBusName", Match.absent())));
    }

    @Test
    void shouldRetryDeliveryToNotifyAndKeepWhatCannotBeDelivered() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "Kiln workflow executions that failed, timed out or were aborted",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("NotificationsNotifyLive.*")),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 8, "MaximumEventAgeInSeconds", 21600),
                        "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt",
                                List.of(Match.stringLikeRegexp("NotificationsNotifyDeadLetters.*"), "Arn"))))))));
    }

    @Test
    void shouldEncryptTheTopicWithARotatingKeyAndRefuseUnencryptedTransport() {
        template.hasResourceProperties("AWS::SNS::Topic", Map.of(
                "DisplayName", "Kiln",
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("NotificationsTopicKey.*"), "Arn"))));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of(
                "Statement", List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))),
                "Version", "2012-10-17")));
    }

    @Test
    void shouldTellNotifyItsTopicAndTheStateMachinePrefix() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.notify.NotifyHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "TOPIC_ARN", Map.of("Ref", Match.stringLikeRegexp("NotificationsTopic.*")),
                        "STATE_MACHINE_PREFIX", "kiln-"))))));
    }

    @Test
    void shouldLetNotifyPublishAndReadOnlyKilnExecutions() {
        String rendered = CloudFormationValues.policyOf(template, "NotificationsNotifyFunctionServiceRole.*");
        assertThat(rendered)
                .contains("{\"Action\":\"sns:Publish\",\"Effect\":\"Allow\",\"Resource\":{\"Ref\":\"NotificationsTopic")
                .contains("{\"Action\":[\"states:DescribeExecution\",\"states:GetExecutionHistory\"],\"Effect\":\"Allow\","
                        + "\"Resource\":\"arn:aws:states:us-east-1:000000000000:execution:kiln-*:*\"}");
    }
}
