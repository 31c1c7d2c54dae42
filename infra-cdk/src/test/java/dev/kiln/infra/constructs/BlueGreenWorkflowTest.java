package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.KilnApp;
import dev.kiln.infra.Samples;
import dev.kiln.infra.Synthesized;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Ruler;

class BlueGreenWorkflowTest {

    private static final String AFTER_BAKE = "A role released blue/green after each bake: its published image starts a release";
    private static final String WEB = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:";

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
    }

    @Test
    void shouldNameTheStateMachineAfterTheWorkflowAndLetAnExecutionWaitNineDaysForPeople() throws Exception {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "StateMachineName", "kiln-blue-green",
                "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BlueGreenStateMachineRole.*"), "Arn")))));

        assertThat(CloudFormationValues.JSON.readTree(Synthesized.layout().stateMachine("blue-green").toFile())
                .path("TimeoutSeconds").asInt()).isEqualTo(9 * 24 * 3600);
    }

    @Test
    void shouldChangeOnlyTheColoursGroupsTheirListenerAndItsRules() {
        String policy = CloudFormationValues.policyOf(template, "BlueGreenStateMachineRole.*");

        assertThat(policy).contains("{\"Action\":\"autoscaling:UpdateAutoScalingGroup\",\"Effect\":\"Allow\",\"Resource\":["
                + "\"arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:*:autoScalingGroupName/web-blue\","
                + "\"arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:*:autoScalingGroupName/web-green\"]}");
        assertThat(policy).contains("{\"Action\":[\"elasticloadbalancing:ModifyListener\",\"elasticloadbalancing:CreateRule\"],"
                + "\"Effect\":\"Allow\",\"Resource\":\"" + WEB + "listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2\"}");
        assertThat(policy).contains("{\"Action\":[\"elasticloadbalancing:ModifyRule\",\"elasticloadbalancing:DeleteRule\","
                + "\"elasticloadbalancing:AddTags\"],\"Effect\":\"Allow\",\"Resource\":\""
                + WEB + "listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/*\"}");
        assertThat(policy).contains("\"ssm:resourceTag/aws:autoscaling:groupName\":[\"web-blue\",\"web-green\"]");
        assertThat(policy).doesNotContainPattern("\"elasticloadbalancing:(ModifyListener|CreateRule|DeleteRule|ModifyRule)\"[^}]*\"Resource\":\"\\*\"")
                .doesNotContain("autoscaling:DeleteAutoScalingGroup", "ec2:TerminateInstances", "elasticloadbalancing:DeleteListener");
    }

    @Test
    void shouldServeTheApprovalPageToAnyoneWhileOnlyASignedLinkDecides() {
        template.hasResourceProperties("AWS::Lambda::Url", Map.of("AuthType", "NONE",
                "TargetFunctionArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BlueGreenDecideFunction.*"), "Arn"))));
        String decide = CloudFormationValues.policyOf(template, "BlueGreenDecideFunctionServiceRole.*");

        assertThat(decide).contains("states:SendTaskSuccess", "states:SendTaskFailure", "secretsmanager:GetSecretValue",
                "BlueGreenLinkKey", "dynamodb:UpdateItem", "BlueGreenReleases");
        assertThat(decide).doesNotContain("dynamodb:PutItem", "dynamodb:DeleteItem", "states:StartExecution", "sns:Publish");
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Role", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BlueGreenDecideFunctionServiceRole.*"), "Arn")),
                "ReservedConcurrentExecutions", Match.anyValue())));
    }

    @Test
    void shouldForgetApprovalsOnTheirOwnAndKeepTheReleasesTableWhenTheStackGoes() {
        template.hasResource("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "KeySchema", List.of(Map.of("AttributeName", "releaseKey", "KeyType", "HASH")),
                        "TimeToLiveSpecification", Map.of("AttributeName", "forgetAt", "Enabled", true))))));
    }

    @Test
    void shouldStartNoReleaseAfterABakeUnlessARoleAsksForIt() {
        assertThat(template.findResources("AWS::Events::Rule", Map.of("Properties", Map.of("Description", AFTER_BAKE)))).isEmpty();
    }

    @Test
    void shouldStartAReleaseOfARoleThatAsksForItAfterEachOfItsPublishedImages(@TempDir Path folder) throws Exception {
        ObjectNode config = (ObjectNode) CloudFormationValues.JSON.readTree(
                Synthesized.layout().root().resolve("examples/kiln.json").toFile());
        ((ObjectNode) config.path("roles").path(1).path("blueGreen")).put("afterBake", true);
        Path file = Files.writeString(folder.resolve("kiln.json"), config.toString());
        Template afterBake = Template.fromStack(KilnApp.build(new App(), Synthesized.layout(), "kiln", KilnApp.readConfig(file)));

        Capture pattern = new Capture();
        Capture targets = new Capture();
        afterBake.hasResourceProperties("AWS::Events::Rule", Map.of("Description", AFTER_BAKE, "EventBusName", Match.anyValue(),
                "EventPattern", pattern, "Targets", targets, "State", "ENABLED"));
        String rule = CloudFormationValues.render(pattern.asObject()).toString();
        String baked = Samples.event("kiln.bake/image-baked.json");

        assertThat(Ruler.matchesRule(baked.replace("\"role\": \"base\"", "\"role\": \"web\""), rule)).as("web's image").isTrue();
        assertThat(Ruler.matchesRule(baked, rule)).as("base's image: base is not released blue/green").isFalse();
        assertThat(Ruler.matchesRule(Samples.event("kiln.bake/image-baked-not-published.json")
                .replace("\"role\": \"base\"", "\"role\": \"web\""), rule)).as("an image kept, not published").isFalse();
        assertThat(CloudFormationValues.render(targets.asArray()).toString()).contains("BlueGreenStateMachine",
                "\"InputPathsMap\":{\"detail-role\":\"$.detail.role\"}",
                "{\\\"role\\\":<detail-role>,\\\"reason\\\":\\\"its image was baked\\\"}", "BlueGreenUnstartedReleases", "\"MaximumRetryAttempts\":8");
    }
}
