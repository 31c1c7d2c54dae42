package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The local cloud refuses what a role does not allow, as AWS does. A probe assumes roles with a session
 * named {@code iam-probe-*} (the refusal check after the integration tests counts those refusals as
 * asked for) and makes calls that the role allows and calls it does not.
 */
class IamIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = "iam-probe-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path REFUSALS = Synthesized.layout().root().resolve(".cache/local-cloud/iam-refusals.jsonl");

    private static final Ec2Client EC2 = LocalCloud.client(Ec2Client.builder());
    private static final IamClient IAM = LocalCloud.client(IamClient.builder());
    private static final StsClient STS = LocalCloud.client(StsClient.builder());
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final SfnClient SFN = LocalCloud.client(SfnClient.builder());
    private static final AutoScalingClient ASG = LocalCloud.client(AutoScalingClient.builder());

    private static String builder;
    private static String stranger;

    @BeforeAll
    static void launchABuilderAndAnInstanceKilnDidNotMake() {
        String image = LocalFleet.images(1).get(0);
        builder = EC2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1).instanceType(InstanceType.T4_G_SMALL)
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key("kiln:build-id").value(PROBE).build())))
                .instances().get(0).instanceId();
        stranger = EC2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1).instanceType(InstanceType.T4_G_SMALL))
                .instances().get(0).instanceId();
    }

    @AfterAll
    static void terminateThemAndRemoveTheProbesRoles() {
        EC2.terminateInstances(r -> r.instanceIds(builder, stranger));
        for (String role : List.of(PROBE + "-tags", PROBE + "-web-instance")) {
            try {
                IAM.listRolePolicies(r -> r.roleName(role)).policyNames()
                        .forEach(name -> IAM.deleteRolePolicy(r -> r.roleName(role).policyName(name)));
                IAM.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()
                        .forEach(p -> IAM.detachRolePolicy(r -> r.roleName(role).policyArn(p.policyArn())));
                IAM.deleteRole(r -> r.roleName(role));
            } catch (NoSuchEntityException neverMade) {
                // its test stopped before making it
            }
        }
    }

    @Test
    void shouldRefuseACallOutsideAKilnFunctionsRoleWithAwsErrorAndLogTheDecision() throws IOException {
        Credentials release = assume(functionRole(LocalCloud.stackOutput("ReleaseFunctionName")));
        String bakes = LocalCloud.stackOutput("BakesTableName");

        try (SsmClient ssm = as(release, SsmClient.builder()); DynamoDbClient dynamo = as(release, DynamoDbClient.builder());
             Ec2Client ec2 = as(release, Ec2Client.builder())) {
            assertThat(ssm.getParameter(r -> r.name("/kiln/config")).parameter().value()).as("what the role allows").contains("roles");

            AwsServiceException dynamoRefusal = catchThrowableOfType(AwsServiceException.class, () -> dynamo.putItem(r -> r.tableName(bakes)
                    .item(Map.of("pk", AttributeValue.fromS(PROBE)))));
            AwsServiceException ec2Refusal = catchThrowableOfType(AwsServiceException.class,
                    () -> ec2.terminateInstances(r -> r.instanceIds(stranger)));

            assertThat(dynamoRefusal.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(dynamoRefusal.statusCode()).isEqualTo(400);
            assertThat(dynamoRefusal.awsErrorDetails().errorMessage())
                    .contains(":assumed-role/").contains("is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/" + bakes)
                    .contains("because no identity-based policy allows the dynamodb:PutItem action");
            assertThat(ec2Refusal.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
            assertThat(ec2Refusal.statusCode()).isEqualTo(403);
            assertThat(ec2Refusal.awsErrorDetails().errorMessage()).startsWith("You are not authorized to perform this operation.")
                    .contains("ec2:TerminateInstances on resource: arn:aws:ec2:us-east-1:000000000000:instance/" + stranger);
        }
        assertThat(state(stranger)).isEqualTo(InstanceStateName.RUNNING);
        String roleName = functionRole(LocalCloud.stackOutput("ReleaseFunctionName")).split("/")[1];
        JsonNode logged = refusal(roleName, "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:000000000000:instance/" + stranger);
        assertThat(logged.get("kiln-iam").asText()).isEqualTo("refused");
        assertThat(logged.get("call").asText()).isEqualTo("ec2:TerminateInstances");
        assertThat(logged.get("reason").asText()).isEqualTo("no statement allows");
    }

    @Test
    void shouldAllowOnlyWhatTagConditionsMatchAndLetAnExplicitDenyWin() throws IOException {
        String role = PROBE + "-tags";
        IAM.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust("lambda.amazonaws.com")));
        IAM.putRolePolicy(r -> r.roleName(role).policyName("builders").policyDocument("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Builders", "Effect": "Allow", "Action": ["ec2:TerminateInstances", "ec2:StopInstances"], "Resource": "*",
                   "Condition": {"Null": {"aws:ResourceTag/kiln:build-id": "false"}}},
                  {"Sid": "NeverStop", "Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*"}]}"""));
        Credentials session = assume("arn:aws:iam::000000000000:role/" + role);

        try (Ec2Client ec2 = as(session, Ec2Client.builder())) {
            AwsServiceException untagged = catchThrowableOfType(AwsServiceException.class,
                    () -> ec2.terminateInstances(r -> r.instanceIds(stranger)));
            AwsServiceException denied = catchThrowableOfType(AwsServiceException.class,
                    () -> ec2.stopInstances(r -> r.instanceIds(builder)));

            assertThat(untagged.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
            assertThat(denied.awsErrorDetails().errorMessage()).contains("with an explicit deny in an identity-based policy");
            assertThat(state(builder)).isEqualTo(InstanceStateName.RUNNING);

            ec2.terminateInstances(r -> r.instanceIds(builder));
        }
        assertThat(state(builder)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        JsonNode deny = refusal(role, "ec2:StopInstances", "arn:aws:ec2:us-east-1:000000000000:instance/" + builder);
        assertThat(deny.get("reason").asText()).isEqualTo("explicit deny");
        assertThat(deny.get("policy").asText()).isEqualTo("builders");
        assertThat(deny.get("statement").asText()).isEqualTo("NeverStop");
    }

    @Test
    void shouldLetAWebInstanceReadWebsEnvButNotBases() {
        putEnv("kiln/env/web", "{\"GREETING\":\"hello\"}");
        putEnv("kiln/env/base", "{\"TOKEN\":\"base only\"}");
        String role = PROBE + "-web-instance";
        IAM.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust("ec2.amazonaws.com")));
        IAM.attachRolePolicy(r -> r.roleName(role).policyArn(LocalCloud.stackOutput("FleetInstancePolicyArnWeb")));
        Credentials instance = assume("arn:aws:iam::000000000000:role/" + role);

        try (SecretsManagerClient secrets = as(instance, SecretsManagerClient.builder());
             SsmClient ssm = as(instance, SsmClient.builder())) {
            assertThat(secrets.getSecretValue(r -> r.secretId("kiln/env/web")).secretString()).contains("GREETING");
            ssm.getParametersByPath(r -> r.path("/kiln/env/web/").recursive(true));

            AwsServiceException secret = catchThrowableOfType(AwsServiceException.class,
                    () -> secrets.getSecretValue(r -> r.secretId("kiln/env/base")));
            AwsServiceException parameters = catchThrowableOfType(AwsServiceException.class,
                    () -> ssm.getParametersByPath(r -> r.path("/kiln/env/base/")));
            // as AWS: a secret that does not exist is checked as the name given, which no policy's ARN matches
            AwsServiceException missing = catchThrowableOfType(AwsServiceException.class,
                    () -> secrets.getSecretValue(r -> r.secretId("kiln/env/web-nobody")));

            assertThat(secret.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(secret.awsErrorDetails().errorMessage()).contains("secretsmanager:GetSecretValue on resource: "
                    + "arn:aws:secretsmanager:us-east-1:000000000000:secret:kiln/env/base-");
            assertThat(parameters.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(missing.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(missing.awsErrorDetails().errorMessage()).contains("on resource: kiln/env/web-nobody");
        } finally {
            putEnv("kiln/env/web", "{}");
            putEnv("kiln/env/base", "{}");
        }
    }

    @Test
    void shouldLetRotateRefreshAGroupOntoOneOfKilnsLaunchTemplatesOnly() throws IOException {
        String image = LocalFleet.images(1).get(0);
        String kilns = LocalFleet.template(PROBE + "-kiln", "web", image);
        String users = EC2.createLaunchTemplate(r -> r.launchTemplateName(PROBE + "-users")
                .launchTemplateData(d -> d.imageId(image).instanceType(InstanceType.T4_G_SMALL))).launchTemplate().launchTemplateId();
        String group = PROBE + "-rotated";
        LocalFleet.group(group, PROBE + "-kiln", 0, Map.of("kiln:role", "web", "kiln:rotate", "nightly"));
        String rotateRole = SFN.describeStateMachine(r -> r.stateMachineArn(LocalCloud.stackOutput("RotateStateMachineArn")))
                .roleArn();
        Credentials rotate = assume(rotateRole);

        try (AutoScalingClient asg = as(rotate, AutoScalingClient.builder())) {
            AwsServiceException refused = catchThrowableOfType(AwsServiceException.class, () -> asg.startInstanceRefresh(r -> r
                    .autoScalingGroupName(group).desiredConfiguration(c -> c.launchTemplate(t -> t.launchTemplateId(users).version("1")))));
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(refused.awsErrorDetails().errorMessage()).startsWith("You are not authorized to use launch template.")
                    .contains("ec2:RunInstances on resource: arn:aws:ec2:us-east-1:000000000000:launch-template/" + users);
            assertThat(ASG.describeInstanceRefreshes(r -> r.autoScalingGroupName(group)).instanceRefreshes()).isEmpty();

            String refresh = asg.startInstanceRefresh(r -> r.autoScalingGroupName(group)
                    .desiredConfiguration(c -> c.launchTemplate(t -> t.launchTemplateId(kilns).version("1")))).instanceRefreshId();
            assertThat(refresh).isNotBlank();
        } finally {
            LocalFleet.deleteGroup(group);
            EC2.deleteLaunchTemplate(r -> r.launchTemplateId(users));
            EC2.deleteLaunchTemplate(r -> r.launchTemplateId(kilns));
        }
        String roleName = rotateRole.substring(rotateRole.lastIndexOf('/') + 1);
        assertThat(refusal(roleName, "ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:launch-template/" + users)
                .get("reason").asText()).isEqualTo("no statement allows");
    }

    /** The stack creates each role's env secret empty; the test puts values in, as a user would. */
    private static void putEnv(String name, String value) {
        try (SecretsManagerClient secrets = LocalCloud.client(SecretsManagerClient.builder())) {
            secrets.putSecretValue(r -> r.secretId(name).secretString(value));
        }
    }

    private static String functionRole(String functionName) {
        return LAMBDA.getFunctionConfiguration(r -> r.functionName(functionName)).role();
    }

    private static Credentials assume(String roleArn) {
        return STS.assumeRole(r -> r.roleArn(roleArn).roleSessionName(PROBE)).credentials();
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>
            & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C as(Credentials session, B builder) {
        return LocalCloud.client(builder, StaticCredentialsProvider.create(AwsSessionCredentials.create(
                session.accessKeyId(), session.secretAccessKey(), session.sessionToken())));
    }

    private static String trust(String service) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + service
                + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    private static InstanceStateName state(String instance) {
        return EC2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0).state().name();
    }

    /** The refusal log's line for this probe's call as {@code role}. */
    private static JsonNode refusal(String role, String action, String resource) throws IOException {
        List<String> lines = Files.readAllLines(REFUSALS);
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            if (node.get("principal").asText().endsWith("/" + PROBE) && node.get("role").asText().equals(role)
                    && node.get("action").asText().equals(action) && node.get("resource").asText().equals(resource)) {
                return node;
            }
        }
        throw new AssertionError("no refusal of " + action + " on " + resource + " as " + role + " in " + REFUSALS + ": " + lines);
    }
}
