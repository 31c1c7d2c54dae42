package dev.kiln.rotategroup.errors;

/** The group's launch template, or the version it names, no longer exists in EC2: the group cannot be rotated. */
public class LaunchTemplateNotFoundException extends RuntimeException {

    public LaunchTemplateNotFoundException(String message) {
        super(message);
    }

    public LaunchTemplateNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
