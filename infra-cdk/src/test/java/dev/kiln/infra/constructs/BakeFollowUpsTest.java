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

class BakeFollowUpsTest {

    private static Template template;
    private static String childBakesPattern;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "A role's new image was published: re-bake the roles built on it",
                "EventBusName", Map.of("Ref", Match.stringLikeRegexp("Bus.*")),
                "EventPattern", pattern,
                "State", "ENABLED",
                "Targets", Match.anyValue()));
        childBakesPattern = CloudFormationValues.render(pattern.asObject()).toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "kiln.bake/image-baked.json, true",
            "kiln.bake/image-baked-not-published.json, false",
            "kiln.bake/bake-failed.json, false",
            "kiln.rebuild/rebuild-requested.json, false",
            "aws.states/execution-failed.json, false"})
    void shouldReBakeChildrenOnlyWhenAParentImageWasPublished(String sample, boolean matches) throws Exception {
        assertThat(Ruler.matchesRule(Samples.event(sample), childBakesPattern)).as(sample).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "kiln.rebuild/rebuild-requested.json, true",
            "kiln.bake/image-baked.json, false",
            "aws.events/scheduled-event.json, false"})
    void shouldRebuildEveryRoleWhenARebuildIsRequested(String sample, boolean matches) throws Exception {
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "Bake every role again from scratch (the weekly schedule, or a person, asked)",
                "EventBusName", Map.of("Ref", Match.stringLikeRegexp("Bus.*")),
                "EventPattern", pattern,
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("BakeFollowUpsChildrenLive.*")))))));
        String rendered = CloudFormationValues.render(pattern.asObject()).toString();

        assertThat(Ruler.matchesRule(Samples.event(sample), rendered)).as(sample).isEqualTo(matches);
    }

    @Test
    void shouldAskForTheRebuildWeeklyByPuttingTheEventOnTheBus() {
        Capture target = new Capture();
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "Name", "kiln-rebuild-weekly",
                "ScheduleExpression", "cron(0 2 ? * SUN *)",
                "ScheduleExpressionTimezone", "Asia/Tokyo",
                "State", "ENABLED",
                "FlexibleTimeWindow", Map.of("Mode", "OFF"),
                "Target", target));
        String rendered = CloudFormationValues.render(target.asObject()).toString();

        assertThat(rendered).contains("\"Input\":\"{\\\"reason\\\":\\\"scheduled\\\"}\"",
                "\"EventBridgeParameters\":{\"DetailType\":\"Rebuild Requested\",\"Source\":\"kiln.rebuild\"}",
                "BakeFollowUpsRebuildSchedulerRole", "\"MaximumRetryAttempts\":8");
        assertThat(CloudFormationValues.policyOf(template, "BakeFollowUpsRebuildSchedulerRole.*")).contains("events:PutEvents");
    }

    @Test
    void shouldReapEveryFifteenMinutesAndApplyRetentionDaily() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(15 minutes)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("BakeFollowUpsReaperLive.*"))))))));
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 day)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("BakeFollowUpsRetentionLive.*"))))))));
    }

    @Test
    void shouldLetRetentionReadEveryPlaceAnImageIsStillUsedFrom() {
        assertThat(CloudFormationValues.policyOf(template, "BakeFollowUpsRetentionFunctionServiceRole.*")).contains(
                "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeInstances", "ec2:DescribeImageAttribute",
                "autoscaling:DescribeLaunchConfigurations", "ssm:GetParametersByPath");
    }

    @Test
    void shouldLetChildrenStartBakesOnly() {
        assertThat(CloudFormationValues.policyOf(template, "BakeFollowUpsChildrenFunctionServiceRole.*"))
                .contains("{\"Action\":\"states:StartExecution\",\"Effect\":\"Allow\",\"Resource\":{\"Ref\":\"BakeStateMachine");
    }
}
