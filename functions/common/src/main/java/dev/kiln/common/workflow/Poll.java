package dev.kiln.common.workflow;

/**
 * How a state machine waits for something: it asks every {@code seconds}, and gives up after
 * {@code checks} asks that found it not done. Each ask costs history events and an execution holds
 * 25,000, so every wait has a budget of asks: a timeout too long for the budget at the configured
 * interval stretches the interval, never the number of asks.
 */
public record Poll(int seconds, int checks) {

    public Poll {
        if (seconds < 1 || checks < 1) {
            throw new IllegalArgumentException("a poll asks at least once, at least a second apart: " + seconds + " s, " + checks);
        }
    }

    /**
     * Asks every {@code shortestSeconds} (or less often) for {@code timeoutSeconds}, at most {@code maxChecks} times.
     */
    public static Poll covering(int timeoutSeconds, int shortestSeconds, int maxChecks) {
        int seconds = Math.max(shortestSeconds, Math.ceilDiv(Math.max(1, timeoutSeconds), maxChecks));
        return new Poll(seconds, Math.max(1, Math.ceilDiv(timeoutSeconds, seconds)));
    }
}
