package dev.kiln.common.bake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class CurrentImagesTest {

    private static final Instant PUSHED = Instant.parse("2026-12-01T09:00:00Z");
    private static final CurrentImages.Current WEB = new CurrentImages.Current("ami-0a11d0a11d0a11d00",
            "7c0ffee7c0ffee7c0ffee7c0ffee7c0ffee7c0ff", PUSHED);

    private final List<AwsRequest> requests = new ArrayList<>();

    /** The current images of a bakes table that holds {@code current#web} and refuses every conditional write when {@code newer}. */
    private CurrentImages images(boolean newer) {
        return new CurrentImages(table(newer), "kiln-bakes");
    }

    /** A bakes table holding {@code current#web}, which refuses every conditional write when {@code newer}; it keeps every request. */
    private DynamoDbClient table(boolean newer) {
        return new DynamoDbClient() {
            @Override
            public GetItemResponse getItem(GetItemRequest request) {
                requests.add(request);
                return request.key().get("bakeKey").s().equals("current#web")
                        ? GetItemResponse.builder().item(Map.of("bakeKey", AttributeValue.fromS("current#web"),
                                "imageId", AttributeValue.fromS(WEB.imageId()), "sha", AttributeValue.fromS(WEB.sha()),
                                "pushedAt", AttributeValue.fromS(PUSHED.toString()))).build()
                        : GetItemResponse.builder().build();
            }

            @Override
            public UpdateItemResponse updateItem(UpdateItemRequest request) {
                requests.add(request);
                if (newer) {
                    throw ConditionalCheckFailedException.builder().message("The conditional request failed").build();
                }
                return UpdateItemResponse.builder().build();
            }

            @Override public String serviceName() { return "dynamodb"; }
            @Override public void close() { }
        };
    }

    @Test
    void shouldReadARolesCurrentImageConsistentlyFromItsItem() {
        // given
        CurrentImages images = images(false);

        // when / then
        assertThat(images.of("web")).contains(WEB);
        assertThat(images.of("batch")).isEmpty();
        assertThat(requests).containsExactly(
                GetItemRequest.builder().tableName("kiln-bakes").consistentRead(true)
                        .key(Map.of("bakeKey", AttributeValue.fromS("current#web"))).build(),
                GetItemRequest.builder().tableName("kiln-bakes").consistentRead(true)
                        .key(Map.of("bakeKey", AttributeValue.fromS("current#batch"))).build());
    }

    @Test
    void shouldAdmitAnImageOnlyIfNoLaterPushIsCurrent() {
        // given
        CurrentImages images = images(false);
        CurrentImages.Current next = new CurrentImages.Current("ami-0b22d0b22d0b22d00",
                "8d1eaf08d1eaf08d1eaf08d1eaf08d1eaf08d1ea", PUSHED.plusSeconds(60));

        // when
        assertThat(images.admit("web", next)).isEmpty();

        // then
        UpdateItemRequest update = (UpdateItemRequest) requests.get(0);
        assertThat(update.key()).isEqualTo(Map.of("bakeKey", AttributeValue.fromS("current#web")));
        assertThat(update.conditionExpression()).isEqualTo("attribute_not_exists(pushedAt) OR pushedAt <= :pushedAt");
        assertThat(new HashMap<>(update.expressionAttributeValues())).isEqualTo(Map.of(
                ":pushedAt", AttributeValue.fromS("2026-12-01T09:01:00Z"),
                ":imageId", AttributeValue.fromS("ami-0b22d0b22d0b22d00"),
                ":sha", AttributeValue.fromS(next.sha())));
    }

    @Test
    void shouldAnswerTheCurrentImageWhenALaterPushHoldsIt() {
        // given
        CurrentImages images = images(true);
        CurrentImages.Current older = new CurrentImages.Current("ami-0c33d0c33d0c33d00",
                "9e2fb019e2fb019e2fb019e2fb019e2fb019e2fb", PUSHED.minusSeconds(60));

        // when / then
        assertThat(images.admit("web", older)).contains(WEB);
    }
}
