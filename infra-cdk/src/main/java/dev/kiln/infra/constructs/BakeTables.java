package dev.kiln.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * What Kiln remembers about bakes: the ledger ({@code bakeKey}: one bake per role, commit and variant,
 * plus {@code current#<role>}, the push whose image is published) and the images it baked with their
 * package inventories (by {@code imageId}, and by role and time for advisory targeting and retention).
 */
public final class BakeTables extends Construct {

    public static final String IMAGES_BY_ROLE = "byRole";

    private final Table bakes;
    private final Table images;

    public BakeTables(Construct scope, String id) {
        super(scope, id);
        bakes = table("Bakes", "bakeKey");
        images = table("Images", "imageId");
        images.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(IMAGES_BY_ROLE)
                .partitionKey(Attribute.builder().name("role").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("createdAt").type(AttributeType.STRING).build())
                .build());
    }

    private Table table(String id, String key) {
        return Table.Builder.create(this, id)
                .partitionKey(Attribute.builder().name(key).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public Table bakes() {
        return bakes;
    }

    public Table images() {
        return images;
    }
}
