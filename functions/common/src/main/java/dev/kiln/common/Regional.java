package dev.kiln.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One SDK client (or anything built on them) per region, built the first time a region is asked for and kept for the
 * execution environment: for the functions and the command line that work in the target regions of a distribution.
 */
public final class Regional<C> {

    private final Map<String, C> clients = new ConcurrentHashMap<>();
    private final Function<String, C> build;

    public Regional(Function<String, C> build) {
        this.build = build;
    }

    public C in(String region) {
        return clients.computeIfAbsent(region, build);
    }
}
