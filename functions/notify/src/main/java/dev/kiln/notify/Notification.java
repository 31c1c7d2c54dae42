package dev.kiln.notify;

import java.util.Map;

/**
 * One message for the notification topic.
 *
 * @param subject    short and specific; ASCII, under 100 characters (SNS's limit for subjects)
 * @param message    the plain-words body
 * @param attributes message attributes subscribers can filter on ({@code workflow}, {@code status})
 */
public record Notification(String subject, String message, Map<String, String> attributes) {
}
