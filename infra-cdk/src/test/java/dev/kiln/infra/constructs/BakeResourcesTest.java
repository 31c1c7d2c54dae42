package dev.kiln.infra.constructs;

import dev.kiln.infra.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** ArtifactStore, BakeTables and BuilderAccess. */
class BakeResourcesTest {

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Synthesized.kiln().template();
    }

    @Test
    void shouldKeepArtifactsPrivateEncryptedAndExpireLogsBundlesAndRotations() {
        template.hasResource("AWS::S3::Bucket", Match.objectLike(Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                        "LifecycleConfiguration", Map.of("Rules", List.of(
                                Map.of("Id", "ExpireLogs", "Prefix", "logs/", "ExpirationInDays", 90, "Status", "Enabled"),
                                Map.of("Id", "ExpireBundles", "Prefix", "bundles/", "ExpirationInDays", 90, "Status", "Enabled"),
                                Map.of("Id", "ExpireRotations", "Prefix", "rotations/", "ExpirationInDays", 90, "Status", "Enabled"))))))));
    }

    @Test
    void shouldKeepTheLedgerAndImageRecordsWithPointInTimeRecovery() {
        template.hasResource("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "KeySchema", List.of(Map.of("AttributeName", "bakeKey", "KeyType", "HASH")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))))));
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "imageId", "KeyType", "HASH")),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                        "IndexName", "byRole",
                        "KeySchema", List.of(Map.of("AttributeName", "role", "KeyType", "HASH"),
                                Map.of("AttributeName", "createdAt", "KeyType", "RANGE"))))))));
    }

    @Test
    void shouldGiveBuildersNoInboundRuleInTheConfiguredVpc() {
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "VpcId", "vpc-0a1b2c3d4e5f60718",
                "GroupDescription", Match.stringLikeRegexp("Kiln builders: no inbound rule.*"),
                "SecurityGroupEgress", List.of(Match.objectLike(Map.of("IpProtocol", "-1", "CidrIp", "0.0.0.0/0")))));
        template.resourcePropertiesCountIs("AWS::EC2::SecurityGroup",
                Map.of("SecurityGroupIngress", Match.anyValue()), 0);
        template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
    }

    @Test
    void shouldLetBuildersBeManagedBySystemsManagerOnly() {
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "ec2.amazonaws.com")))))),
                "ManagedPolicyArns", List.of(Map.of("Fn::Join", List.of("", List.of("arn:",
                        Map.of("Ref", "AWS::Partition"), ":iam::aws:policy/AmazonSSMManagedInstanceCore")))))));
        template.hasResourceProperties("AWS::IAM::InstanceProfile", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("BuildersRole.*")))));
    }
}
