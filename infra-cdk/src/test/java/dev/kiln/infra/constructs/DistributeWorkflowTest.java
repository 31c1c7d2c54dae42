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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Ruler;

class DistributeWorkflowTest {

    private static final String PUBLISHED = "Each published image is distributed to its role's target regions and accounts";

    /** The example deployment with two targets: Osaka for every role, Ireland shared with another account. */
    private static Template distributing;

    @BeforeAll
    static void synthesize(@TempDir Path folder) throws Exception {
        ObjectNode config = (ObjectNode) CloudFormationValues.JSON.readTree(
                Synthesized.layout().root().resolve("examples/kiln.json").toFile());
        ObjectNode distribution = config.putObject("distribution");
        distribution.putArray("targets").add(CloudFormationValues.JSON.readTree("{\"regions\": [\"ap-northeast-3\"]}"))
                .add(CloudFormationValues.JSON.readTree("{\"regions\": [\"eu-west-1\"], \"accounts\": [\"222222222222\"]}"));
        distribution.putObject("kmsKeys").put("eu-west-1", "alias/kiln-images");
        Path file = Files.writeString(folder.resolve("kiln.json"), config.toString());
        distributing = Template.fromStack(KilnApp.build(new App(), Synthesized.layout(), "kiln", KilnApp.readConfig(file)));
    }

    @Test
    void shouldStartNothingAndTouchNoImageWithoutTargets() {
        Template example = Synthesized.kiln().template();

        assertThat(example.findResources("AWS::Events::Rule", Map.of("Properties", Map.of("Description", PUBLISHED)))).isEmpty();
        example.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "kiln-distribute"));
        assertThat(CloudFormationValues.policyOf(example, "DistributionRegionFunctionServiceRole.*"))
                .doesNotContain("ec2:", "kms:", "ssm:PutParameter");
    }

    @ParameterizedTest(name = "{0} starts distribute: {1}")
    @CsvSource({
            "kiln.bake/image-baked.json,               true",
            "kiln.bake/image-baked-not-published.json, false",
            "kiln.bake/bake-failed.json,               false",
            "kiln.patch/rotation-requested.json,       false"})
    void shouldStartDistributeForEachPublishedImageWithItsDetail(String sample, boolean starts) throws Exception {
        Capture pattern = new Capture();
        distributing.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", PUBLISHED,
                "EventBusName", Match.anyValue(),
                "EventPattern", pattern,
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("DistributionStateMachine.*")),
                        "InputPath", "$.detail",
                        "DeadLetterConfig", Match.anyValue())))));

        assertThat(Ruler.matchesRule(Samples.event(sample), CloudFormationValues.render(pattern.asObject()).toString()))
                .isEqualTo(starts);
    }

    @Test
    void shouldCopyFromTheHubIntoTheTargetRegionsAndChangeOnlyCopiesThere() {
        String policy = CloudFormationValues.policyOf(distributing, "DistributionRegionFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":\"ec2:CopyImage\",\"Effect\":\"Allow\",\"Resource\":["
                + "\"arn:aws:ec2:us-east-1::image/*\",\"arn:aws:ec2:ap-northeast-3::image/*\",\"arn:aws:ec2:eu-west-1::image/*\"]}");
        assertThat(policy).contains("\"Condition\":{\"StringEquals\":{\"ec2:CreateAction\":\"CopyImage\"}}");
        assertThat(policy).contains("{\"Action\":[\"ec2:CreateTags\",\"ec2:ModifyImageAttribute\",\"ec2:ModifySnapshotAttribute\","
                + "\"ec2:DeregisterImage\"],\"Condition\":{\"Null\":{\"aws:ResourceTag/kiln:source-image\":\"false\"}}");
        assertThat(policy).contains("\"arn:aws:kms:eu-west-1:000000000000:key/*\"", "\"ec2.eu-west-1.amazonaws.com\"",
                "\"arn:aws:ssm:ap-northeast-3:000000000000:parameter/kiln/images/*\"");
        assertThat(policy).doesNotContain("\"arn:aws:ec2:us-east-1::snapshot/*\"", "ssm:GetParameter", "ec2:RunInstances")
                .doesNotContainPattern("\"Action\":\\[?[^}\\]]*\"(ec2:(CopyImage|ModifyImageAttribute|DeregisterImage)|kms:CreateGrant)\"[^}]*\"Resource\":\"\\*\"");
    }

    @Test
    void shouldLetRetentionRemoveOnlyCopiesInTheTargetRegionsReadThePointersThereAndAskTheMembers() {
        String policy = CloudFormationValues.policyOf(distributing, "BakeFollowUpsRetentionFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":[\"ec2:DeregisterImage\",\"ec2:DeleteSnapshot\"],\"Condition\":{\"Null\":"
                + "{\"aws:ResourceTag/kiln:source-image\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:ec2:ap-northeast-3::image/*\","
                + "\"arn:aws:ec2:ap-northeast-3::snapshot/*\",\"arn:aws:ec2:eu-west-1::image/*\",\"arn:aws:ec2:eu-west-1::snapshot/*\"]}");
        assertThat(policy).contains("\"arn:aws:ssm:eu-west-1:000000000000:parameter/kiln/images\"");
        assertThat(policy).contains("{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:iam::222222222222:role/kiln-hub-eu-west-1\"}");
        assertThat(CloudFormationValues.policyOf(Synthesized.kiln().template(), "BakeFollowUpsRetentionFunctionServiceRole.*"))
                .doesNotContain("kiln:source-image", "sts:");
    }

    @Test
    void shouldAssumeOnlyTheRolesTheTargetAccountsMemberStacksMakeForTheHubInTheirRegions() {
        String policy = CloudFormationValues.policyOf(distributing, "DistributionRegionFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:iam::222222222222:role/kiln-hub-eu-west-1\"}");
        assertThat(CloudFormationValues.policyOf(Synthesized.kiln().template(), "DistributionRegionFunctionServiceRole.*"))
                .doesNotContain("sts:");
    }

    @Test
    void shouldLetThePlanReadOnlyTheConfigurationAndTheCurrentImages() {
        String policy = CloudFormationValues.policyOf(distributing, "DistributionPlanFunctionServiceRole.*");

        assertThat(policy).contains("ssm:GetParameter", "dynamodb:GetItem");
        assertThat(policy).doesNotContain("ec2:", "kms:", "ssm:PutParameter", "dynamodb:PutItem");
    }
}
