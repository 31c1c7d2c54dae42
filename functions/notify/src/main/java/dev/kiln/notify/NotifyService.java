package dev.kiln.notify;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.notify.errors.MalformedEventException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns a Step Functions status change of one of Kiln's own workflows into a notification when the
 * execution failed, timed out or was aborted. Anything else is skipped with a logged reason.
 */
public final class NotifyService {

    static final Set<String> NOTIFIED_STATUSES = Set.of("FAILED", "TIMED_OUT", "ABORTED");
    /**
     * A workflow that told the team about its failure itself (patch's summary) ends with an error named so: one
     * failure, one message.
     */
    static final String REPORTED_ERRORS = "Kiln.Reported.";

    private static final Logger LOG = LoggerFactory.getLogger(NotifyService.class);

    private final NotificationTopic topic;
    private final ExecutionHistory history;
    private final String stateMachinePrefix;
    private final NotificationWriter writer = new NotificationWriter();

    public NotifyService(NotificationTopic topic, ExecutionHistory history, String stateMachinePrefix) {
        this.topic = topic;
        this.history = history;
        this.stateMachinePrefix = stateMachinePrefix;
    }

    public Outcome handle(byte[] event) {
        ExecutionStatusChange change;
        try {
            change = ExecutionStatusChange.parse(event);
        } catch (MalformedEventException e) {
            LOG.error("Malformed event, no notification sent: {}", e.getMessage(),
                    entry("eventBytes", event.length));
            throw e;
        }
        Optional<String> workflow = workflowOf(change);
        if (workflow.isEmpty()) {
            return skip("not one of Kiln's state machines", change);
        }
        if (!NOTIFIED_STATUSES.contains(change.status())) {
            return skip("status " + change.status() + " needs no notification", change);
        }
        FailureDetails details = details(change);
        if (details.error().filter(error -> error.startsWith(REPORTED_ERRORS)).isPresent()) {
            return skip("the workflow sent its own notification (" + details.error().get() + ")", change);
        }
        Notification notification = writer.write(workflow.get(), change, details);
        String messageId = topic.publish(notification);
        LOG.info("Notification published", entry("executionArn", change.executionArn()),
                entry("status", change.status()), entry("messageId", messageId));
        return Outcome.published(messageId);
    }

    private Optional<String> workflowOf(ExecutionStatusChange change) {
        String name = change.stateMachineName();
        return name.startsWith(stateMachinePrefix) && name.length() > stateMachinePrefix.length()
                ? Optional.of(name.substring(stateMachinePrefix.length())) : Optional.empty();
    }

    // The event may lack the error and cause; Step Functions' own record fills the gaps. When that
    // record cannot be read, the notification still goes out with what the event said.
    private FailureDetails details(ExecutionStatusChange change) {
        FailureDetails fromEvent = new FailureDetails(change.error(), change.cause(), Optional.empty());
        try {
            return fromEvent.orElse(history.describe(change.executionArn()));
        } catch (SdkException e) {
            LOG.warn("Could not read the execution's history; notifying with the event alone",
                    entry("executionArn", change.executionArn()), entry("reason", e.getMessage()));
            return fromEvent;
        }
    }

    private static Outcome skip(String reason, ExecutionStatusChange change) {
        LOG.info("Event skipped: {}", reason, entry("executionArn", change.executionArn()),
                entry("status", change.status()));
        return Outcome.skipped(reason);
    }
}
