package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.config.KilnConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class KilnMemberStackTest {

    private static final String HUB = "123456789012";
    private static final String MEMBER = "222222222222";

    /** The example deployment distributing to Seoul (rotated at Seoul's night) and Ireland, both in a member account. */
    private static KilnConfig config;
    private static KilnMemberStack member;
    private static Template template;

    @BeforeAll
    static void synthesize(@TempDir Path folder) throws Exception {
        ObjectNode document = (ObjectNode) CloudFormationValues.JSON.readTree(
                Synthesized.layout().root().resolve("examples/kiln.json").toFile());
        document.set("distribution", CloudFormationValues.JSON.readTree("""
                {"targets": [{"regions": ["ap-northeast-2", "eu-west-1"], "accounts": ["%s"]}, {"regions": ["us-west-2"], "roles": ["web"]}],
                 "kmsKeys": {"ap-northeast-2": "alias/kiln-images", "eu-west-1": "alias/kiln-images"},
                 "rotation": {"ap-northeast-2": {"timeZone": "Asia/Seoul"}}}
                """.formatted(MEMBER)));
        config = KilnApp.readConfig(Files.writeString(folder.resolve("kiln.json"), document.toString()));
        member = KilnApp.buildMember(new App(), settings("ap-northeast-2", MEMBER));
        template = Template.fromStack(member);
    }

    private static KilnMemberStack.Settings settings(String region, String account) {
        return new KilnMemberStack.Settings("kiln", HUB, region, account, Synthesized.layout(), config);
    }

    @Test
    void shouldHaveEveryCallerInvokeAFunctionsLiveAlias() {
        assertThat(KilnStackTest.callersOfLatest(template)).isEmpty();
    }

    @Test
    void shouldLetOnlyTheHubsAccountAssumeItsRoleAndOnlyWithTheHubsExternalId() {
        Capture trust = new Capture();
        template.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "kiln-hub-ap-northeast-2",
                "AssumeRolePolicyDocument", trust));

        assertThat(CloudFormationValues.render(trust.asObject()).toString()).isEqualTo("{\"Statement\":[{"
                + "\"Action\":\"sts:AssumeRole\","
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"kiln-kiln-123456789012\"}},"
                + "\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"}}],\"Version\":\"2012-10-17\"}");
        assertThat(member.getStackName()).isEqualTo("kiln-member");
        assertThat(member.getRegion()).isEqualTo("ap-northeast-2");
        assertThat(member.getAccount()).isEqualTo(MEMBER);
    }

    @Test
    void shouldLetTheHubWriteOnlyTheDeploymentsImagePointersAndReadWhatUsesImages() {
        String policy = CloudFormationValues.policyOf(template, "HubRole.*");

        assertThat(policy).isEqualTo("[{\"Action\":\"ssm:PutParameter\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:ap-northeast-2:222222222222:parameter/kiln/images/*\"},"
                + "{\"Action\":\"ssm:GetParametersByPath\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:ap-northeast-2:222222222222:parameter/kiln/images\"},"
                + "{\"Action\":[\"ec2:DescribeImages\",\"ec2:DescribeLaunchTemplates\",\"ec2:DescribeLaunchTemplateVersions\","
                + "\"ec2:DescribeInstances\",\"autoscaling:DescribeLaunchConfigurations\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}]");
        assertThat(policy).doesNotContain("Delete", "Deregister", "Terminate", "Modify");
    }

    @Test
    void shouldRotateTheMembersGroupsOnItsRegionsScheduleInItsRegionsTimeZone() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-rotate"));
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "Name", "kiln-rotate-nightly",
                "ScheduleExpression", config.rotation().schedule(),
                "ScheduleExpressionTimezone", "Asia/Seoul",
                "State", "ENABLED"));
        Template ireland = Template.fromStack(KilnApp.buildMember(new App(), settings("eu-west-1", MEMBER)));

        ireland.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", config.rotation().schedule(),
                "ScheduleExpressionTimezone", config.rotation().timeZone()));
    }

    @Test
    void shouldRotateOntoTheCopiesTheMembersPointersNameAndKeepNoAdvisoriesLedger() {
        Capture environment = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", Match.absent(),
                "Description", Match.stringLikeRegexp("Plans a rotation.*"),
                "Environment", Map.of("Variables", environment)));
        String policy = CloudFormationValues.policyOf(template, "RotationPlan.*");

        assertThat(CloudFormationValues.render(environment.asObject()).toString())
                .contains("\"IMAGE_POINTER_PREFIX\":\"/kiln/images/\"").doesNotContain("BAKES_TABLE");
        assertThat(policy).contains("{\"Action\":\"ssm:GetParameter\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:ap-northeast-2:222222222222:parameter/kiln/images/*\"}");
        assertThat(policy).doesNotContain("dynamodb:GetItem");
        assertThat(CloudFormationValues.policyOf(template, "RotationReport.*")).doesNotContain("UpdateItem");
        assertThat(template.findResources("AWS::DynamoDB::Table")).as("rotations, lifecycle actions, failed launches").hasSize(3);
    }

    @Test
    void shouldDeployAndDrainTheMembersGroupsOnKilnsHooksWithItsOwnReleasesAndNoBlueGreen() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-launch"));
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-drain"));
        template.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Map.of(
                "source", List.of("aws.autoscaling"), "detail", Map.of("LifecycleHookName", List.of("kiln-launch")))));
        Capture environment = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Description", Match.stringLikeRegexp("Plans a lifecycle action.*"),
                "Environment", Map.of("Variables", environment)));

        assertThat(CloudFormationValues.render(environment.asObject()).toString())
                .contains("\"RELEASE_PARAMETER_PREFIX\":\"/kiln/releases/\"").doesNotContain("RELEASES_TABLE");
        assertThat(member.lifecycle().fleetInstancePolicies()).as("the roles whose images come to Seoul").containsOnlyKeys("base", "web");
        assertThat(settings("us-west-2", HUB).roles()).as("only web's images go to us-west-2").containsExactly("web");
    }

    @Test
    void shouldHaveNoAwsSolutionsFindingWithoutAWrittenReason() {
        Annotations annotations = Annotations.fromStack(member);

        assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(message -> message.getId() + ": " + message.getEntry().getData()).isEmpty();
        assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(message -> message.getId() + ": " + message.getEntry().getData()).isEmpty();
    }

    @Test
    void shouldRefuseAHubAccountThatIsNotOne() {
        assertThatThrownBy(() -> new KilnMemberStack.Settings("kiln", "hub", "eu-west-1", MEMBER, Synthesized.layout(), config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kiln:memberOf must be the hub's 12-digit account id, got 'hub'");
    }

    @Test
    void shouldRefuseARegionOrAccountTheDistributionDoesNotList() {
        assertThatThrownBy(() -> settings(null, MEMBER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("say which region the member stack goes to (AWS_REGION, or the profile's region), got 'null'");
        assertThatThrownBy(() -> settings("ap-northeast-1", MEMBER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the configuration's distribution names no target in ap-northeast-1 (its target regions:"
                        + " ap-northeast-2, eu-west-1, us-west-2): a member stack there would never receive an image");
        assertThatThrownBy(() -> settings("eu-west-1", "333333333333"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the configuration's distribution lists no target account 333333333333 in eu-west-1:"
                        + " deploy the member stack with the credentials of an account it lists there");
        assertThatThrownBy(() -> settings("eu-west-1", HUB)).isInstanceOf(IllegalArgumentException.class);
        assertThat(settings("us-west-2", HUB).account()).as("the hub's own account in a target region of its own").isEqualTo(HUB);
        assertThat(settings("eu-west-1", null).account()).as("an account the CDK could not tell").isNull();
    }
}
