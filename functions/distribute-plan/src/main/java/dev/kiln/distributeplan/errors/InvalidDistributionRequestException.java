package dev.kiln.distributeplan.errors;

/** distribute's input names no role of the configuration, or no image to distribute: nothing is copied. */
public class InvalidDistributionRequestException extends RuntimeException {

    public InvalidDistributionRequestException(String message) {
        super(message);
    }
}
