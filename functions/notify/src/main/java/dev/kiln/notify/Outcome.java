package dev.kiln.notify;

/**
 * What notify did with one event: published a message, or skipped it and why.
 *
 * @param messageId the SNS message id when published, else {@code null}
 */
public record Outcome(boolean published, String reason, String messageId) {

    static Outcome published(String messageId) {
        return new Outcome(true, "published", messageId);
    }

    static Outcome skipped(String reason) {
        return new Outcome(false, reason, null);
    }
}
