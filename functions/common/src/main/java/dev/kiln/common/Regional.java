package dev.kiln.distributeregion;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One SDK client per region, built the first time a region is asked for and kept for the execution environment. */
final class Regional<C> {

    private final Map<String, C> clients = new ConcurrentHashMap<>();
    private final Function<String, C> build;

    Regional(Function<String, C> build) {
        this.build = build;
    }

    C in(String region) {
        return clients.computeIfAbsent(region, build);
    }
}
