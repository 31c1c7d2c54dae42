package dev.kiln.notify;

import dev.kiln.common.AwsClients;
import dev.kiln.common.JsonHandler;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Entry point for the EventBridge rule on Kiln's failed, timed-out and aborted executions. The service
 * reads the event itself, so that one which is not valid JSON gets its clear {@code MalformedEventException}.
 */
public final class NotifyHandler extends JsonHandler<byte[], Outcome> {

    public NotifyHandler() {
        this(build(Config.fromEnv(System.getenv())));
    }

    NotifyHandler(NotifyService service) {
        super(payload -> payload,
                service::handle);
    }

    private static NotifyService build(Config config) {
        return new NotifyService(
                new SnsNotificationTopic(AwsClients.build(SnsClient.builder()), config.topicArn()),
                new StepFunctionsExecutionHistory(AwsClients.build(SfnClient.builder())),
                config.stateMachinePrefix());
    }
}
