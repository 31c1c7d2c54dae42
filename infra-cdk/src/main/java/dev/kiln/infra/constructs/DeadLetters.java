package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Where an EventBridge rule or schedule puts the events it could not deliver to its target, and a
 * function the invocations it could not complete: kept 14 days, encrypted, and watched by an alarm.
 */
public final class DeadLetters {

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

    /**
     * An alarm on every SQS queue under {@code scope} (all of Kiln's are dead-letter queues): a message there
     * is an event or an invocation Kiln lost, so the team hears of it at once (one alarm per queue, about
     * $0.10 a month each).
     */
    public static void watchAll(Construct scope, String name, ITopic topic) {
        List<Queue> queues = scope.getNode().findAll().stream()
                .filter(Queue.class::isInstance).map(Queue.class::cast).toList();
        for (Queue queue : queues) {
            String path = queue.getNode().getPath().replaceFirst("^[^/]+/", "");
            Alarm alarm = queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                            .statistic("Maximum").period(Duration.minutes(5)).build())
                    .createAlarm(queue, "Undelivered", CreateAlarmOptions.builder()
                            .alarmName(name + "-undelivered-" + path.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", ""))
                            .alarmDescription("A message waits in the dead-letter queue " + path + ": an event or invocation"
                                    + " Kiln could not deliver or complete. Runbook: read it (aws sqs receive-message), act on it,"
                                    + " then delete it or move it back (aws sqs start-message-move-task).")
                            .threshold(1)
                            .evaluationPeriods(1)
                            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                            .treatMissingData(TreatMissingData.NOT_BREACHING)
                            .build());
            alarm.addAlarmAction(new SnsAction(topic));
        }
    }
}
