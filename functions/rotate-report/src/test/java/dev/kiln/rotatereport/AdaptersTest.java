package dev.kiln.rotatereport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.testing.RequestBodies;
import dev.kiln.rotatereport.errors.PlanNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

class AdaptersTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";

    @Test
    void shouldReadThePlanAndSayWhenItIsNotThere() {
        // given
        List<GetObjectRequest> requests = new ArrayList<>();
        S3Client s3 = new S3Client() {
            @Override
            public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
                requests.add(request);
                if (request.key().contains("missing")) {
                    throw NoSuchKeyException.builder().message("The specified key does not exist.").build();
                }
                return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), "[]".getBytes(StandardCharsets.UTF_8));
            }

            @Override public String serviceName() { return "s3"; }
            @Override public void close() { }
        };
        S3PlannedGroups plans = new S3PlannedGroups(s3);

        // when / then
        assertThat(plans.read(BUCKET, "rotations/r-1/groups.json")).isEqualTo("[]");
        assertThatThrownBy(() -> plans.read(BUCKET, "rotations/missing/groups.json"))
                .isInstanceOf(PlanNotFoundException.class)
                .hasMessage("s3://" + BUCKET + "/rotations/missing/groups.json does not exist: rotate-plan wrote no plan there");
        assertThat(requests).containsExactly(GetObjectRequest.builder().bucket(BUCKET).key("rotations/r-1/groups.json").build(),
                GetObjectRequest.builder().bucket(BUCKET).key("rotations/missing/groups.json").build());
    }

    @Test
    void shouldWriteTheReportAsJson() {
        // given
        List<PutObjectRequest> requests = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        S3Client s3 = new S3Client() {
            @Override
            public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
                requests.add(request);
                bodies.add(RequestBodies.text(body));
                return PutObjectResponse.builder().build();
            }

            @Override public String serviceName() { return "s3"; }
            @Override public void close() { }
        };

        // when
        new S3ReportStore(s3).put(BUCKET, "rotations/r-1/report.json", "{\"rotation\":\"r-1\"}");

        // then
        assertThat(requests).containsExactly(PutObjectRequest.builder().bucket(BUCKET).key("rotations/r-1/report.json")
                .contentType("application/json").build());
        assertThat(bodies).containsExactly("{\"rotation\":\"r-1\"}");
    }

    @Test
    void shouldQueryEveryPageOfTheRotationsOutcomesConsistently() {
        // given: two pages, as DynamoDB pages a query
        List<QueryRequest> requests = new ArrayList<>();
        Map<String, AttributeValue> lastOfFirst = Map.of("rotation", AttributeValue.fromS("r-1"), "asg", AttributeValue.fromS("api-1"));
        DynamoDbClient dynamo = new DynamoDbClient() {
            @Override
            public QueryResponse query(QueryRequest request) {
                requests.add(request);
                return request.hasExclusiveStartKey()
                        ? QueryResponse.builder().items(List.of(item("web-blue", "{\"outcome\":\"failed\"}"),
                                Map.of("rotation", AttributeValue.fromS("r-1"), "asg", AttributeValue.fromS("web-odd")))).build()
                        : QueryResponse.builder().items(List.of(item("api-1", "{\"outcome\":\"succeeded\"}")))
                                .lastEvaluatedKey(lastOfFirst).build();
            }

            @Override public String serviceName() { return "dynamodb"; }
            @Override public void close() { }
        };

        // when
        List<Ports.Recorded> recorded = new DynamoOutcomes(dynamo, "kiln-rotations").of("r-1");

        // then
        assertThat(recorded).containsExactly(new Ports.Recorded("api-1", "{\"outcome\":\"succeeded\"}", "2026-11-22T09:00:00.123Z"),
                new Ports.Recorded("web-blue", "{\"outcome\":\"failed\"}", "2026-11-22T09:00:00.123Z"),
                new Ports.Recorded("web-odd", null, null));
        QueryRequest first = QueryRequest.builder().tableName("kiln-rotations").consistentRead(true)
                .keyConditionExpression("#rotation = :rotation")
                .expressionAttributeNames(Map.of("#rotation", "rotation"))
                .expressionAttributeValues(Map.of(":rotation", AttributeValue.fromS("r-1"))).build();
        assertThat(requests).containsExactly(first, first.toBuilder().exclusiveStartKey(lastOfFirst).build());
    }

    private static Map<String, AttributeValue> item(String asg, String outcome) {
        return Map.of("rotation", AttributeValue.fromS("r-1"), "asg", AttributeValue.fromS(asg), "outcome", AttributeValue.fromS(outcome),
                "recordedAt", AttributeValue.fromS("2026-11-22T09:00:00.123Z"));
    }

    @Test
    void shouldAddTheRotationToTheAdvisorysPatchRecordOnlyWhenItExists() {
        // given
        List<UpdateItemRequest> requests = new ArrayList<>();
        DynamoDbClient dynamo = new DynamoDbClient() {
            @Override
            public UpdateItemResponse updateItem(UpdateItemRequest request) {
                requests.add(request);
                if (request.key().get("key").s().equals("patch#ALAS2023-2025-9999")) {
                    throw ConditionalCheckFailedException.builder().message("The conditional request failed").build();
                }
                return UpdateItemResponse.builder().build();
            }

            @Override public String serviceName() { return "dynamodb"; }
            @Override public void close() { }
        };
        DynamoAdvisoryLedger ledger = new DynamoAdvisoryLedger(dynamo, "kiln-ledger");
        Ports.Rotated rotated = new Ports.Rotated("r-1", "2026-11-22T09:00:00Z", 14, "{\"web-blue\":\"succeeded\"}",
                "ALAS2023-2025-1196 (important, expat): web patched, 14 instances replaced, 41 minutes after publication");

        // when
        boolean recorded = ledger.recordRotation("ALAS2023-2025-1196", rotated);
        boolean unknown = ledger.recordRotation("ALAS2023-2025-9999", rotated);

        // then
        assertThat(recorded).isTrue();
        assertThat(unknown).isFalse();
        assertThat(requests.get(0)).isEqualTo(UpdateItemRequest.builder().tableName("kiln-ledger")
                .key(Map.of("key", AttributeValue.fromS("patch#ALAS2023-2025-1196")))
                .conditionExpression("attribute_exists(#key)")
                .updateExpression("SET #rotation = :rotation, #rotatedAt = :rotatedAt, #instancesReplaced = :instancesReplaced,"
                        + " #fleets = :fleets, #rotationSummary = :rotationSummary")
                .expressionAttributeNames(Map.of("#key", "key", "#rotation", "rotation", "#rotatedAt", "rotatedAt",
                        "#instancesReplaced", "instancesReplaced", "#fleets", "fleets", "#rotationSummary", "rotationSummary"))
                .expressionAttributeValues(Map.of(":rotation", AttributeValue.fromS("r-1"),
                        ":rotatedAt", AttributeValue.fromS("2026-11-22T09:00:00Z"),
                        ":instancesReplaced", AttributeValue.fromN("14"),
                        ":fleets", AttributeValue.fromS("{\"web-blue\":\"succeeded\"}"),
                        ":rotationSummary", AttributeValue.fromS(rotated.summary())))
                .build());
        assertThat(requests).hasSize(2);
    }
}
