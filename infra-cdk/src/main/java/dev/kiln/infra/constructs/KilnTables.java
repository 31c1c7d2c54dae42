package dev.kiln.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/** Every Kiln table the same way: one string key, on demand, encrypted, with point-in-time recovery. */
final class KilnTables {

    private KilnTables() {
    }

    /** The table's builder, for what differs (a TTL attribute, an index) before {@code build()}. */
    static Table.Builder keyedBy(Construct scope, String id, String key, RemovalPolicy removal) {
        return Table.Builder.create(scope, id)
                .partitionKey(Attribute.builder().name(key).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(removal);
    }
}
