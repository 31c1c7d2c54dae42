package dev.kiln.rotatereport.errors;

/** The plan's groups.json is not where rotate-plan's answer says it is: nothing can be reported. */
public class PlanNotFoundException extends RuntimeException {

    public PlanNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
