package dev.kiln.bakechildren.errors;

/** The event is not a readable kiln.bake "Image Baked" event; no bake was started. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }
}
