package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class KilnMemberStackTest {

    private static KilnMemberStack member;
    private static Template template;

    @BeforeAll
    static void synthesize() {
        member = KilnApp.buildMember(new App(), new KilnMemberStack.Settings("kiln", "123456789012"));
        template = Template.fromStack(member);
    }

    @Test
    void shouldLetOnlyTheHubsAccountAssumeItsRoleAndOnlyWithTheHubsExternalId() {
        Capture trust = new Capture();
        template.hasResourceProperties("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", trust));

        assertThat(CloudFormationValues.render(trust.asObject()).toString()).isEqualTo("{\"Statement\":[{"
                + "\"Action\":\"sts:AssumeRole\","
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"kiln-kiln-123456789012\"}},"
                + "\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"}}],\"Version\":\"2012-10-17\"}");
    }

    @Test
    void shouldNameTheRoleAsTheHubExpectsItInTheRegionItIsDeployedTo() {
        Capture name = new Capture();
        template.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", name));

        assertThat(CloudFormationValues.render(name.asObject()).asText()).isEqualTo("kiln-hub-us-east-1");
        assertThat(member.getStackName()).isEqualTo("kiln-member");
    }

    @Test
    void shouldLetTheHubWriteOnlyTheDeploymentsImagePointersAndReadWhatUsesImages() {
        String policy = CloudFormationValues.policyOf(template, "HubRole.*");

        assertThat(policy).isEqualTo("[{\"Action\":\"ssm:PutParameter\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:us-east-1:000000000000:parameter/kiln/images/*\"},"
                + "{\"Action\":\"ssm:GetParametersByPath\",\"Effect\":\"Allow\","
                + "\"Resource\":\"arn:aws:ssm:us-east-1:000000000000:parameter/kiln/images\"},"
                + "{\"Action\":[\"ec2:DescribeImages\",\"ec2:DescribeLaunchTemplates\",\"ec2:DescribeLaunchTemplateVersions\","
                + "\"ec2:DescribeInstances\",\"autoscaling:DescribeLaunchConfigurations\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}]");
        assertThat(policy).doesNotContain("Delete", "Deregister", "Terminate", "Modify");
    }

    @Test
    void shouldHaveNoAwsSolutionsFindingWithoutAWrittenReason() {
        Annotations annotations = Annotations.fromStack(member);

        assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    @Test
    void shouldRefuseAHubAccountThatIsNotOne() {
        assertThatThrownBy(() -> new KilnMemberStack.Settings("kiln", "hub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kiln:memberOf must be the hub's 12-digit account id, got 'hub'");
    }
}
