package dev.kiln.common;

import java.util.Map;

/**
 * Reads a function's settings from its environment variables, failing fast with the name of what is
 * missing. Each function's {@code Config.fromEnv} uses it; tests build their {@code Config} directly.
 */
public final class Environment {

    private final Map<String, String> variables;

    public Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The value of {@code name}, or an {@link IllegalStateException} naming it when unset or blank. */
    public String require(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: the function's deployment must provide it");
        }
        return value;
    }

    /** The value of {@code name}, or {@code fallback} when unset or blank. */
    public String optional(String name, String fallback) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
