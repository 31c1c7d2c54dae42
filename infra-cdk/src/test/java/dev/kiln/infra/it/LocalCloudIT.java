package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The parts of the local cloud that LocalStack does not bring itself. */
class LocalCloudIT {

    @Test
    void shouldServeDynamoDbThroughDynamoDbLocalFromMavenCentral() {
        try (DynamoDbClient dynamo = LocalCloud.client(DynamoDbClient.builder())) {
            // given
            String table = "local-cloud-it-" + UUID.randomUUID();
            dynamo.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
            try {
                // when
                dynamo.putItem(r -> r.tableName(table).item(Map.of(
                        "id", AttributeValue.fromS("ALAS2023-2025-1196"), "severity", AttributeValue.fromS("important"))));

                // then
                assertThat(dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                                .key(Map.of("id", AttributeValue.fromS("ALAS2023-2025-1196")))).item())
                        .containsEntry("severity", AttributeValue.fromS("important"));
            } finally {
                dynamo.deleteTable(r -> r.tableName(table));
            }
        }
    }
}
