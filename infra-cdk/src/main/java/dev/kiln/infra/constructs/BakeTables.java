package dev.kiln.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.Table;
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
        return KilnTables.keyedBy(this, id, key, RemovalPolicy.RETAIN).build();
    }

    public Table bakes() {
        return bakes;
    }

    public Table images() {
        return images;
    }
}
