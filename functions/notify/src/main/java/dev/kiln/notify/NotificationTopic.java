package dev.kiln.notify;

/** Where notifications go. */
public interface NotificationTopic {

    /** Publishes the notification and returns the message id. */
    String publish(Notification notification);
}
