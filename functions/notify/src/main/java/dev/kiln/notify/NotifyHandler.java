package dev.kiln.notify;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.kiln.common.AwsClients;
import dev.kiln.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Entry point for the EventBridge rule on Kiln's failed, timed-out and aborted executions. A stream
 * handler, so that an event which is not valid JSON still reaches our code and gets a clear error.
 */
public final class NotifyHandler implements RequestStreamHandler {

    private final NotifyService service;

    public NotifyHandler() {
        this(Config.fromEnv(System.getenv()));
    }

    private NotifyHandler(Config config) {
        this(new NotifyService(
                new SnsNotificationTopic(AwsClients.build(SnsClient.builder()), config.topicArn()),
                new StepFunctionsExecutionHistory(AwsClients.build(SfnClient.builder())),
                config.stateMachinePrefix()));
    }

    NotifyHandler(NotifyService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        Outcome outcome = PowertoolsLogging.withLogging(context, () -> service.handle(event));
        Json.MAPPER.writeValue(output, outcome);
    }
}
