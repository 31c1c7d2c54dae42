package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** Where an EventBridge rule puts the events it could not deliver to its target: kept 14 days, encrypted. */
final class DeadLetters {

    private DeadLetters() {
    }

    /** @param ofWhat what the queue is the dead-letter queue of, e.g. "the rule that starts patch" */
    static Queue queue(Construct scope, String id, String ofWhat) {
        Queue queue = Queue.Builder.create(scope, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of " + ofWhat + ".")
                .build()));
        return queue;
    }
}
