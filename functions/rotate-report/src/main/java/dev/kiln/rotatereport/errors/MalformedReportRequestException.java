package dev.kiln.rotatereport.errors;

/** rotate-report's payload, or the plan it points to, is not what rotate's state machine gives: a bug in rotate. */
public class MalformedReportRequestException extends RuntimeException {

    public MalformedReportRequestException(String message) {
        super(message);
    }
}
