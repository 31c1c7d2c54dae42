package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.GitHubToken;
import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Synthesized;
import dev.kiln.sourcefetch.SourceFetchHandler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class BakeWorkflowTest {

    private static Template template;
    private static String machinePolicy;
    private static String cleanupPolicy;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
        machinePolicy = CloudFormationValues.policyOf(template, "BakeStateMachineRole.*");
        cleanupPolicy = CloudFormationValues.policyOf(template, "BakeCleanupFunctionServiceRole.*");
    }

    @Test
    void shouldNameTheStateMachineAfterTheDeploymentAndLogAndTraceIt() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "StateMachineName", "kiln-bake",
                "TracingConfiguration", Map.of("Enabled", true),
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL")))));
    }

    @Test
    void shouldTellPlanWhereEverythingIs() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.bakeplan.BakePlanHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "CONFIG_PARAMETER", Map.of("Ref", Match.stringLikeRegexp("Config.*")),
                        "IMAGE_POINTER_PREFIX", "/kiln/images/",
                        "BUILDER_SECURITY_GROUP_ID", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BuildersSecurityGroup.*"), "GroupId")),
                        "BUILDER_INSTANCE_PROFILE_ARN", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BuildersInstanceProfile.*"), "Arn")),
                        "EVENT_BUS_NAME", Map.of("Ref", Match.stringLikeRegexp("Bus.*"))))))));
    }

    @Test
    void shouldOnlyStopTerminateOrTagInstancesOfKilnBuilds() {
        assertThat(machinePolicy).contains("{\"Action\":[\"ec2:StopInstances\",\"ec2:TerminateInstances\",\"ec2:CreateTags\"],"
                + "\"Condition\":{\"Null\":{\"aws:ResourceTag/kiln:build-id\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
        assertThat(machinePolicy).contains("{\"Action\":\"ec2:CreateTags\",\"Condition\":{\"Null\":{\"aws:RequestTag/kiln:build-id\":"
                + "\"false\"},\"StringEquals\":{\"ec2:CreateAction\":[\"RunInstances\",\"CreateImage\"]}},\"Effect\":\"Allow\","
                + "\"Resource\":[\"arn:aws:ec2:us-east-1:000000000000:instance/*\",\"arn:aws:ec2:us-east-1:000000000000:volume/*\","
                + "\"arn:aws:ec2:us-east-1::image/*\",\"arn:aws:ec2:us-east-1::snapshot/*\"]}");
    }

    @Test
    void shouldLaunchOnlyTaggedBuildersIntoTheBuildersSubnetsAndSecurityGroup() {
        assertThat(machinePolicy).contains("{\"Action\":\"ec2:RunInstances\",\"Condition\":{\"Null\":{\"aws:RequestTag/kiln:build-id\":"
                + "\"false\"}},\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:ec2:us-east-1:000000000000:instance/*\","
                + "\"arn:aws:ec2:us-east-1:000000000000:volume/*\"]}");
        assertThat(machinePolicy).contains("\"arn:aws:ec2:us-east-1::image/*\"", "security-group/\",{\"Fn::GetAtt\":[\"BuildersSecurityGroup",
                "\"arn:aws:ec2:us-east-1:000000000000:subnet/subnet-");
        assertThat(machinePolicy).doesNotContain("\"ec2:RunInstances\",\"Effect\":\"Allow\",\"Resource\":\"*\"",
                "\"ec2:CreateImage\",\"Effect\":\"Allow\",\"Resource\":\"*\"");
    }

    @Test
    void shouldImageOnlyBuildersAndTagTheImageAndItsSnapshotsAsABuild() {
        assertThat(machinePolicy).contains("{\"Action\":\"ec2:CreateImage\",\"Condition\":{\"Null\":{\"aws:ResourceTag/kiln:build-id\":"
                + "\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ec2:us-east-1:000000000000:instance/*\"}");
        assertThat(machinePolicy).contains("{\"Action\":\"ec2:CreateImage\",\"Condition\":{\"Null\":{\"aws:RequestTag/kiln:build-id\":"
                + "\"false\"}},\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:ec2:us-east-1::image/*\",\"arn:aws:ec2:us-east-1::snapshot/*\"]}");
    }

    @Test
    void shouldLetSourceFetchOnlyReadTheTokenAndPutBundles() {
        String policy = CloudFormationValues.policyOf(template, "BakeSourceFetchFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":[\"secretsmanager:GetSecretValue\",\"secretsmanager:DescribeSecret\"],"
                + "\"Effect\":\"Allow\",\"Resource\":{\"Ref\":\"BakeGitHubToken");
        assertThat(policy).contains("{\"Action\":[\"s3:PutObject\"");
        assertThat(policy).contains("/bundles/*\"]]}}");
        assertThat(policy).doesNotContain("manifests/", "logs/", "s3:DeleteObject");
    }

    @Test
    void shouldCreateTheTokenSecretWithTheValueSourceFetchTakesForNoToken() {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "Name", "kiln/github-token",
                "SecretString", GitHubToken.NONE)));
        assertThat(GitHubToken.usable(GitHubToken.NONE)).as("what source-fetch takes for no token").isEmpty();
    }

    @Test
    void shouldGiveSourceFetchRoomForTheLargestBundle() {
        assertThat(BakeWorkflow.SOURCE_FETCH_STORAGE_MB * 1024L * 1024)
                .isGreaterThan(SourceFetchHandler.MAX_BUNDLE_BYTES);
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.sourcefetch.SourceFetchHandler::handleRequest",
                "EphemeralStorage", Map.of("Size", BakeWorkflow.SOURCE_FETCH_STORAGE_MB))));
    }

    @Test
    void shouldOnlyPinLaunchTemplatesTaggedWithARole() {
        assertThat(machinePolicy).contains("{\"Action\":\"ec2:CreateLaunchTemplateVersion\",\"Condition\":{\"Null\":"
                + "{\"aws:ResourceTag/kiln:role\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
    }

    @Test
    void shouldSendOnlyTheShellScriptDocumentToKilnBuilders() {
        assertThat(machinePolicy)
                .contains("{\"Action\":\"ssm:SendCommand\",\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ssm:us-east-1::document/AWS-RunShellScript\"}")
                .contains("{\"Action\":\"ssm:SendCommand\",\"Condition\":{\"Null\":{\"ssm:resourceTag/kiln:build-id\":\"false\"}},"
                        + "\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ec2:us-east-1:000000000000:instance/*\"}");
    }

    @Test
    void shouldReadOnlyAmazonLinuxParametersAndKilnsOwnPointers() {
        assertThat(machinePolicy).contains("{\"Action\":\"ssm:GetParameter\",\"Effect\":\"Allow\",\"Resource\":["
                + "\"arn:aws:ssm:us-east-1:000000000000:parameter/kiln/images/*\","
                + "\"arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/*\"]}");
        assertThat(machinePolicy).contains("{\"Action\":\"ssm:PutParameter\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:us-east-1:000000000000:parameter/kiln/images/*\"}");
    }

    @Test
    void shouldPassOnlyTheBuilderRoleAndMayCreateTheSpotServiceRole() {
        assertThat(machinePolicy).contains("{\"Action\":\"iam:PassRole\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":"
                + "\"ec2.amazonaws.com\"}},\"Effect\":\"Allow\",\"Resource\":{\"Fn::GetAtt\":[\"BuildersRole");
        assertThat(machinePolicy).contains("{\"Action\":\"iam:CreateServiceLinkedRole\",\"Condition\":{\"StringEquals\":"
                + "{\"iam:AWSServiceName\":\"spot.amazonaws.com\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
    }

    @Test
    void shouldLetCleanupRemoveOnlyKilnBuildsAndTheirSnapshots() {
        assertThat(cleanupPolicy).contains("{\"Action\":[\"ec2:TerminateInstances\",\"ec2:CreateTags\",\"ec2:DeregisterImage\","
                + "\"ec2:DeleteSnapshot\"],\"Condition\":{\"Null\":{\"aws:ResourceTag/kiln:build-id\":\"false\"}},"
                + "\"Effect\":\"Allow\",\"Resource\":\"*\"}");
        assertThat(cleanupPolicy).doesNotContain("{\"Action\":\"ec2:DeleteSnapshot\",\"Effect\":\"Allow\",\"Resource\":\"*\"}");
    }
}
