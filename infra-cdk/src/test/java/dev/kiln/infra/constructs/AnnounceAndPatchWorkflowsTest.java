package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Samples;
import dev.kiln.infra.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Ruler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnounceAndPatchWorkflowsTest {

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
    }

    @Test
    void shouldReadTheFeedsOnTheConfiguredSchedule() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "Every 15 minutes: read the Amazon Linux security advisory feeds",
                "ScheduleExpression", "rate(15 minutes)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("AdvisoriesFeedLive.*")),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 2))))));
    }

    @Test
    void shouldGiveTheFunctionItsLedgerAnnouncerAndConfiguration() {
        Capture environment = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "dev.kiln.advisoryfeed.AdvisoryFeedHandler::handleRequest",
                "Timeout", 300,
                "Environment", Map.of("Variables", environment)));
        String variables = CloudFormationValues.render(environment.asObject()).toString();

        assertThat(variables).contains("\"CONFIG_PARAMETER\"", "\"LEDGER_TABLE\"", "\"ANNOUNCE_STATE_MACHINE_ARN\"");
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-announce"));
    }

    @Test
    void shouldLetTheFunctionStartAnnouncementsAndUseItsLedgerOnly() {
        String policy = CloudFormationValues.policyOf(template, "AdvisoriesFeedFunctionServiceRole.*");

        assertThat(policy).contains("\"states:StartExecution\"", "AdvisoriesAnnounce", "dynamodb:BatchGetItem", "AdvisoriesLedger");
        assertThat(policy).doesNotContain("events:PutEvents", "dynamodb:DeleteItem", "dynamodb:Scan", "BakeTables");
        assertThat(CloudFormationValues.policyOf(template, "AdvisoriesAnnounceRole.*")).contains("events:PutEvents");
    }

    @ParameterizedTest(name = "{0} starts patch: {1}")
    @CsvSource({
            "kiln.advisories/security-advisory-published.json, true",
            "kiln.bake/image-baked.json,                          false",
            "kiln.github/push-received.json,                      false"})
    void shouldStartPatchForEachAnnouncedAdvisoryOnly(String sample, boolean starts) throws Exception {
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "A security advisory was announced: patch the roles that carry it",
                "EventBusName", Match.anyValue(),
                "EventPattern", pattern,
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("AdvisoriesPatch.*")),
                        "DeadLetterConfig", Match.anyValue())))));

        assertThat(Ruler.matchesRule(Samples.event(sample), CloudFormationValues.render(pattern.asObject()).toString())).isEqualTo(starts);
    }

    @Test
    void shouldTellTheTeamWhenAFeedKeepsFailing() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "kiln-advisory-feed-AL2023-failing",
                "Namespace", "Kiln/Advisories",
                "MetricName", "FeedErrors",
                "Dimensions", List.of(Map.of("Name", "Feed", "Value", "AL2023")),
                "Period", 2700,
                "Threshold", 3,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("NotificationsTopic.*")))));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"))))))));
    }

    @Test
    void shouldLetPatchBakeWaitReadRecordRequestRotationAndTellOnly() {
        String policy = CloudFormationValues.policyOf(template, "AdvisoriesPatchRole.*");

        assertThat(policy).contains("\"states:StartExecution\"", "StepFunctionsGetEventsForStepFunctionsExecutionRule",
                "\"dynamodb:GetItem\"", "\"dynamodb:PutItem\"", "events:PutEvents", "sns:Publish", ":execution:kiln-bake:*");
        assertThat(policy).doesNotContain("dynamodb:DeleteItem", "ec2:", "ssm:SendCommand", "/index/*");
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-patch"));
    }
}
