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

class PushWorkflowTest {

    private static Template template;
    private static String pushReceivedPattern;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", "A push bakes roles: start the push state machine, which starts one bake per role",
                "EventBusName", Map.of("Ref", Match.stringLikeRegexp("Bus.*")),
                "EventPattern", pattern,
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("GitHubStateMachine.*")),
                        "DeadLetterConfig", Match.anyValue(),
                        "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 21600, "MaximumRetryAttempts", 8))))));
        pushReceivedPattern = CloudFormationValues.render(pattern.asObject()).toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "kiln.github/push-received.json, true",
            "kiln.bake/image-baked.json, false",
            "aws.states/execution-failed.json, false"})
    void shouldStartThePushStateMachineForPushReceivedOnly(String sample, boolean matches) throws Exception {
        assertThat(Ruler.matchesRule(Samples.event(sample), pushReceivedPattern)).as(sample).isEqualTo(matches);
    }

    @Test
    void shouldServeTheWebhookOnAPublicFunctionUrlThatVerifiesSignaturesItself() {
        template.hasResourceProperties("AWS::Lambda::Url", Map.of(
                "AuthType", "NONE",
                "TargetFunctionArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("GitHubWebhookFunction.*"), "Arn"))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.githubwebhook.GitHubWebhookHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "WEBHOOK_SECRET_ID", Map.of("Ref", Match.stringLikeRegexp("GitHubWebhookSecret.*")),
                        "DELIVERIES_TABLE", Map.of("Ref", Match.stringLikeRegexp("GitHubDeliveries.*")),
                        "EVENT_BUS_NAME", Map.of("Ref", Match.stringLikeRegexp("Bus.*")),
                        "CONFIG_PARAMETER", Map.of("Ref", Match.stringLikeRegexp("Config.*"))))))));
    }

    @Test
    void shouldLetAFloodOfRequestsTakeNoMoreThanTheWebhooksReservedConcurrency() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.githubwebhook.GitHubWebhookHandler::handleRequest",
                "ReservedConcurrentExecutions", 5)));
    }

    @Test
    void shouldGenerateTheWebhookSecretUnderTheDeploymentsName() {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "Name", "kiln/github-webhook-secret",
                "GenerateSecretString", Map.of("ExcludePunctuation", true, "PasswordLength", 40))));
    }

    @Test
    void shouldForgetAnsweredDeliveriesByTheirExpiryTime() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "deliveryId", "KeyType", "HASH")),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true))));
    }

    @Test
    void shouldLetTheWebhookOnlyRecordDeliveriesReadItsSecretAndConfigAndPutEvents() {
        String policy = CloudFormationValues.policyOf(template, "GitHubWebhookFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":[\"dynamodb:PutItem\",\"dynamodb:GetItem\",\"dynamodb:DeleteItem\"]");
        assertThat(policy).contains("{\"Action\":\"events:PutEvents\",\"Effect\":\"Allow\",\"Resource\":{\"Fn::GetAtt\":[\"Bus");
        assertThat(policy).doesNotContain("states:", "s3:", "dynamodb:Scan");
    }

    @Test
    void shouldLetThePushStateMachineStartBakesAndNothingElse() {
        String policy = CloudFormationValues.policyOf(template, "GitHubStateMachineRole.*");

        assertThat(policy).contains("{\"Action\":\"states:StartExecution\",\"Effect\":\"Allow\",\"Resource\":{\"Ref\":\"BakeStateMachine");
        assertThat(policy).doesNotContain("ec2:", "s3:", "lambda:");
    }
}
