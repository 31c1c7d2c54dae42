package dev.kiln.rotatereport;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * rotate-report's answer.
 *
 * @param detail  the {@code Rotation Finished} event's detail
 * @param subject the SNS subject (ASCII, at most 99 characters)
 * @param message what people read: one screen
 * @param status  SUCCEEDED, PARTIAL or FAILED
 */
public record Report(ObjectNode detail, String subject, String message, String status) {
}
