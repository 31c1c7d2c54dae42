package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.launch.FailedLaunchLedger;
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

class LifecycleWorkflowsTest {

    private static Template template;
    private static String launchPattern;
    private static String drainPattern;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
        launchPattern = pattern("An instance of a group with Kiln's launch hook waits: deploy and check it", "LifecycleLaunch.*");
        drainPattern = pattern("An instance of a group with Kiln's drain hook is leaving: drain it and flush its logs", "LifecycleDrain.*");
    }

    // rules on the default bus (no EventBusName), each starting its state machine
    private static String pattern(String description, String target) {
        Capture pattern = new Capture();
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "Description", description,
                "EventPattern", pattern,
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp(target)),
                        "DeadLetterConfig", Match.anyValue())))));
        return CloudFormationValues.render(pattern.asObject()).toString();
    }

    @ParameterizedTest(name = "{0} -> launch {1}, drain {2}")
    @CsvSource({
            "aws.autoscaling/launch-lifecycle-action.json,              true,  false",
            "aws.autoscaling/warm-pool-launch-into-warm-pool.json,      true,  false",
            "aws.autoscaling/warm-pool-launch-from-warm-pool.json,      true,  false",
            "aws.autoscaling/terminate-lifecycle-action.json,           false, true",
            "aws.autoscaling/warm-pool-terminate-into-warm-pool.json,   false, true",
            "aws.autoscaling/launch-lifecycle-action-other-hook.json,   false, false",
            "aws.states/execution-failed.json,                          false, false"})
    void shouldStartLaunchAndDrainForKilnsHooksOnly(String sample, boolean launch, boolean drain) throws Exception {
        assertThat(Ruler.matchesRule(Samples.event(sample), launchPattern)).as("launch rule, " + sample).isEqualTo(launch);
        assertThat(Ruler.matchesRule(Samples.event(sample), drainPattern)).as("drain rule, " + sample).isEqualTo(drain);
    }

    @Test
    void shouldLetTheWorkflowsCompleteLifecycleActionsOfKilnsGroupsAndRunCommandsOnKilnsInstancesOnly() {
        String policy = CloudFormationValues.policyOf(template, "LifecycleLaunchRole.*");

        assertThat(policy).contains("{\"Action\":[\"autoscaling:CompleteLifecycleAction\",\"autoscaling:RecordLifecycleActionHeartbeat\"],"
                + "\"Condition\":{\"Null\":{\"autoscaling:ResourceTag/kiln:role\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
        assertThat(policy).contains("{\"Action\":\"ssm:SendCommand\",\"Condition\":{\"Null\":{\"ssm:resourceTag/kiln:role\":\"false\"}}");
        assertThat(policy).doesNotContain("ec2:Terminate", "autoscaling:SetDesiredCapacity", "autoscaling:*");
        assertThat(CloudFormationValues.policyOf(template, "LifecycleDrainRole.*")).contains("autoscaling:CompleteLifecycleAction");
    }

    @Test
    void shouldGiveEachRolesFleetInstancesReadOfItsOwnReleasesAndEnvAndWriteOfItsOwnOutputOnly() {
        String web = fleetInstancePolicy("web");

        assertThat(web).contains("\"Action\":\"s3:GetObject\"", "/releases/web/*", "\"Action\":\"s3:PutObject\"",
                "/logs/launch/web/*", "/logs/drain/web/*", "/logs/blue-green/web/*", "\"Action\":\"secretsmanager:GetSecretValue\"",
                "\"Resource\":{\"Ref\":\"LifecycleEnvSecretWeb", "\"ssm:GetParametersByPath\"", ":parameter/kiln/env/web\"",
                ":parameter/kiln/env/web/*\"");
        assertThat(web).doesNotContain("bundles/", "manifests/", "s3:DeleteObject", "ssm:PutParameter", "/base",
                "kiln/env/*", "releases/*");
        assertThat(fleetInstancePolicy("base")).contains("{\"Ref\":\"LifecycleEnvSecretBase").doesNotContain("/web", "SecretWeb");
    }

    @Test
    void shouldCreateEachRolesEnvSecretEmptySoThatItsFleetCanReadItAndKeepItWhenTheStackGoes() {
        // a secret that does not exist is refused (AccessDenied) to any policy naming its ARN: so it always exists
        for (String role : List.of("web", "base")) {
            template.hasResource("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                    "Properties", Match.objectLike(Map.of("Name", "kiln/env/" + role, "SecretString", "{}")),
                    "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain")));
        }
    }

    private static String fleetInstancePolicy(String role) {
        Capture statements = new Capture();
        template.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of(
                "Description", Match.stringLikeRegexp("Attach to the instance role of role " + role + "'s fleets.*"),
                "PolicyDocument", Map.of("Statement", statements, "Version", "2012-10-17")));
        return CloudFormationValues.render(statements.asArray()).toString();
    }

    @Test
    void shouldReserveConcurrencyForLifecyclePlanSoNoOtherFunctionCanStarveALaunch() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "dev.kiln.lifecycleplan.LifecyclePlanHandler::handleRequest",
                "ReservedConcurrentExecutions", 20)));
    }

    @Test
    void shouldLetTheReleaseFunctionWriteReleasesAndResumeTheLaunchesOfKilnsGroupsOnly() {
        String policy = CloudFormationValues.policyOf(template, "LifecycleReleaseFunctionServiceRole.*");

        assertThat(policy).contains("\"ssm:GetParameter\",\"ssm:PutParameter\"]", ":parameter/kiln/releases/*");
        assertThat(policy).contains("{\"Action\":\"autoscaling:ResumeProcesses\",\"Condition\":{\"Null\":"
                + "{\"autoscaling:ResourceTag/kiln:role\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
        assertThat(policy).contains("\"dynamodb:Scan\",\"dynamodb:PutItem\",\"dynamodb:DeleteItem\"]", "LifecycleFailedLaunches");
        assertThat(policy).doesNotContain("s3:PutObject", "/kiln/config\"", "/kiln/images/", "autoscaling:SuspendProcesses");
    }

    @Test
    void shouldForgetAGroupsFailedLaunchesOnASuccessUnderTheLedgersOwnKeyAndKeepASuspendedOne() throws Exception {
        JsonNode forget = new ObjectMapper().readTree(Synthesized.layout().stateMachine("launch").toFile())
                .at("/States/ForgetFailedLaunches/Parameters");

        assertThat(forget.at("/Key").fieldNames()).toIterable().containsExactly(FailedLaunchLedger.GROUP);
        assertThat(forget.at("/ConditionExpression").asText()).isEqualTo("attribute_not_exists(" + FailedLaunchLedger.SUSPENDED_AT + ")");
    }

    @Test
    void shouldLetLaunchGuardSuspendTheLaunchesOfKilnsGroupsOnlyAndTellTheTeam() {
        String policy = CloudFormationValues.policyOf(template, "LifecycleGuardFunctionServiceRole.*");

        assertThat(policy).contains("{\"Action\":\"autoscaling:SuspendProcesses\",\"Condition\":{\"Null\":"
                + "{\"autoscaling:ResourceTag/kiln:role\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"}");
        assertThat(policy).contains("\"dynamodb:GetItem\",\"dynamodb:PutItem\"]", "LifecycleFailedLaunches", "sns:Publish");
        assertThat(policy).doesNotContain("autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity", "dynamodb:DeleteItem");
        String launch = CloudFormationValues.policyOf(template, "LifecycleLaunchRole.*");
        assertThat(launch).contains("\"Action\":\"dynamodb:DeleteItem\"", "LifecycleFailedLaunches", "LifecycleGuardLive");
        assertThat(CloudFormationValues.policyOf(template, "LifecycleDrainRole.*")).doesNotContain("LifecycleFailedLaunches",
                "LifecycleGuardLive");
    }
}
