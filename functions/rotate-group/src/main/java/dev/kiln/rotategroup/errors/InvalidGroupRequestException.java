package dev.kiln.rotategroup.errors;

/** The payload is not what rotate's group step passes (an item and the group as Auto Scaling describes it): nothing is done. */
public class InvalidGroupRequestException extends RuntimeException {

    public InvalidGroupRequestException(String message) {
        super(message);
    }
}
