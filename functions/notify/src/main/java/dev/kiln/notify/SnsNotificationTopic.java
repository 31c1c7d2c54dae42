package dev.kiln.notify;

import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** {@link NotificationTopic} on an SNS topic. */
public record SnsNotificationTopic(SnsClient sns, String topicArn) implements NotificationTopic {

    @Override
    public String publish(Notification notification) {
        Map<String, MessageAttributeValue> attributes = notification.attributes().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey,
                        e -> MessageAttributeValue.builder().dataType("String").stringValue(e.getValue()).build()));
        return sns.publish(r -> r.topicArn(topicArn)
                        .subject(notification.subject())
                        .message(notification.message())
                        .messageAttributes(attributes))
                .messageId();
    }
}
