package dev.kiln.distributeregion.errors;

/** The image to copy, or its copy, does not exist (any more) in the region asked. */
public class ImageNotFoundException extends RuntimeException {

    public ImageNotFoundException(String message) {
        super(message);
    }

    public ImageNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
