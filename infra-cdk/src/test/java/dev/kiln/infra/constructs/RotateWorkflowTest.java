package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Samples;
import dev.kiln.infra.Synthesized;
import java.nio.file.Files;
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

class RotateWorkflowTest {

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
    }

    @Test
    void shouldStartTheNightlyRotationAtTheConfiguredTimeInTheConfiguredTimeZone() {
        Capture target = new Capture();
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "Name", "kiln-rotate-nightly",
                "ScheduleExpression", "cron(0 3 * * ? *)",
                "ScheduleExpressionTimezone", "Asia/Tokyo",
                "State", "ENABLED",
                "FlexibleTimeWindow", Map.of("Mode", "OFF"),
                "Target", target));
        String rendered = CloudFormationValues.render(target.asObject()).toString();

        assertThat(rendered).contains("\"Input\":\"{\\\"reason\\\":\\\"nightly\\\"}\"", "RotationRotate",
                "RotationSchedulerRole", "RotationUnstartedRotations", "\"MaximumRetryAttempts\":8");
        assertThat(CloudFormationValues.policyOf(template, "RotationSchedulerRole.*")).contains("states:StartExecution");
    }

    @ParameterizedTest(name = "{0} starts rotate: {1}")
    @CsvSource({
            "kiln.patch/rotation-requested.json,                 true",
            "kiln.advisories/security-advisory-published.json,   false",
            "kiln.bake/image-baked.json,                         false",
            "kiln.rotation/rotation-finished.json,               false"})
    void shouldStartRotateForEachRotationRequestWithItsDetail(String sample, boolean starts) throws Exception {
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "A security re-bake asked for its roles' fleets to be replaced now",
                "EventBusName", Match.anyValue(),
                "EventPattern", pattern,
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("RotationRotate.*")),
                        "InputPath", "$.detail",
                        "DeadLetterConfig", Match.anyValue())))));

        assertThat(Ruler.matchesRule(Samples.event(sample), CloudFormationValues.render(pattern.asObject()).toString()))
                .isEqualTo(starts);
    }

    @Test
    void shouldRefreshOnlyGroupsThatOptedIn() {
        String policy = CloudFormationValues.policyOf(template, "RotationRotateRole.*");

        assertThat(policy).contains("{\"Action\":\"autoscaling:StartInstanceRefresh\","
                + "\"Condition\":{\"StringEquals\":{\"autoscaling:ResourceTag/kiln:rotate\":\"nightly\"}}");
        assertThat(policy).contains("autoscaling:DescribeTags", "autoscaling:DescribeInstanceRefreshes",
                "\"iam:PassedToService\":\"ec2.amazonaws.com\"", "RotationRotations", "events:PutEvents", "sns:Publish");
        assertThat(policy).doesNotContain("autoscaling:UpdateAutoScalingGroup", "autoscaling:CancelInstanceRefresh",
                "autoscaling:DeleteAutoScalingGroup", "ec2:TerminateInstances");
    }

    @Test
    void shouldUseOnlyKilnsLaunchTemplatesInARefreshAndLaunchAndTagNothingElse() {
        String policy = CloudFormationValues.policyOf(template, "RotationRotateRole.*");

        assertThat(policy).contains("{\"Action\":\"ec2:RunInstances\",\"Condition\":{\"Null\":{\"aws:ResourceTag/kiln:role\""
                + ":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ec2:us-east-1:000000000000:launch-template/*\"}");
        assertThat(policy).contains("{\"Action\":\"ec2:RunInstances\",\"Condition\":{\"ArnLike\":{\"ec2:LaunchTemplate\":"
                + "\"arn:aws:ec2:us-east-1:000000000000:launch-template/*\"}}");
        assertThat(policy).contains("{\"Action\":\"ec2:CreateTags\",\"Condition\":{\"StringEquals\":"
                + "{\"ec2:CreateAction\":\"RunInstances\"}}");
        assertThat(policy).doesNotContainPattern("\"Action\":\\[?[^}\\]]*\"ec2:(RunInstances|CreateTags)\"[^}]*\"Effect\":\"Allow\",\"Resource\":\"\\*\"");
    }

    @Test
    void shouldRunEachGroupAsAChildOfTheRotationItselfReadingItsGroupsFromS3() throws Exception {
        String rendered = Files.readString(Synthesized.layout().stateMachine("rotate"));
        String policy = CloudFormationValues.policyOf(template, "RotationRotateRole.*");

        assertThat(rendered).contains("DISTRIBUTED", "MaxConcurrencyPath", "ItemReader");
        assertThat(policy).contains("states:StartExecution", "stateMachine:kiln-rotate\"", "execution:kiln-rotate/*",
                "states:DescribeExecution");
    }

    @Test
    void shouldKeepEachGroupsOutcomeByRotationAndGroup() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "rotation", "KeyType", "HASH"),
                        Map.of("AttributeName", "asg", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))));
        assertThat(CloudFormationValues.policyOf(template, "RotationReportFunctionServiceRole.*"))
                .contains("dynamodb:Query", "RotationRotations", "dynamodb:UpdateItem", "AdvisoriesLedger")
                .doesNotContain("dynamodb:Scan", "dynamodb:DeleteItem");
    }

    @Test
    void shouldGiveTheGroupCheckTheTemplatesItPinsAndNothingOfAutoScaling() {
        String policy = CloudFormationValues.policyOf(template, "RotationGroupFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":\"ec2:CreateLaunchTemplateVersion\",\"Condition\":{\"Null\":"
                + "{\"aws:ResourceTag/kiln:role\":\"false\"}},\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ec2:us-east-1:000000000000:launch-template/*\"}", "ec2:DescribeInstances");
        assertThat(policy).doesNotContain("autoscaling:", "ec2:RunInstances", "ec2:DeleteLaunchTemplate");
    }
}
