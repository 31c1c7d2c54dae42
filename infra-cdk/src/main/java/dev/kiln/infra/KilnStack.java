package dev.kiln.infra;

import dev.kiln.infra.constructs.KilnFunction;
import dev.kiln.infra.constructs.Notifications;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.constructs.Construct;

/** Everything one Kiln deployment consists of. */
public final class KilnStack extends Stack {

    /**
     * @param name   the deployment's name: the event bus is called this, every state machine starts with {@code name-}
     * @param layout where the function archives and state machine definitions are
     */
    public record Settings(String name, RepositoryLayout layout) {

        public Settings {
            if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
                throw new IllegalArgumentException("kiln:name must be lower-case letters, digits and dashes"
                        + " (at most 31, starting with a letter), got '" + name + "'");
            }
        }

        public String stateMachinePrefix() {
            return name + "-";
        }
    }

    private final Notifications notifications;
    private final EventBus bus;

    public KilnStack(Construct scope, String id, Settings settings) {
        super(scope, id, StackProps.builder()
                .description("Kiln: golden AMIs, patched and rotated fleets, with no standing server")
                .build());

        bus = EventBus.Builder.create(this, "Bus").eventBusName(settings.name()).build();

        notifications = new Notifications(this, "Notifications", new Notifications.Props(
                new KilnFunction.Code(settings.layout().functionArchive("notify"), "dev.kiln.notify.NotifyHandler"),
                settings.stateMachinePrefix()));

        CfnOutput.Builder.create(this, "EventBusName").value(bus.getEventBusName())
                .description("Kiln's own events are put on this bus").build();
        CfnOutput.Builder.create(this, "NotificationTopicArn").value(notifications.topic().getTopicArn())
                .description("Subscribe here (email, chat, queue) to hear about failed Kiln workflows").build();
        CfnOutput.Builder.create(this, "NotifyFunctionName").value(notifications.function().getFunctionName())
                .build();
    }

    public Notifications notifications() {
        return notifications;
    }

    public EventBus bus() {
        return bus;
    }
}
