package dev.kiln.infra.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most one execution of a definition can cost: history events (Step Functions keeps at most 25,000)
 * and seconds spent in its calls. An upper bound, read from the ASL alone: every state counts as if
 * visited, every Retry as if used to its last attempt, every loop (a cycle of states) as if it went
 * round as often as the count that bounds it allows. A loop that no count bounds is an error.
 */
public final class AslLimits {

    /** Step Functions' limit on one execution's history. */
    public static final int HISTORY_LIMIT = 25_000;

    private static final Pattern INCREMENT = Pattern.compile("States\\.MathAdd\\((\\$[.\\w]+), 1\\)");

    /**
     * What the ASL cannot say: how often a loop may go round, given the path of the count it is bounded by
     * (a Choice's NumericGreaterThanEqualsPath; a constant bound needs none), and how many items a Map has.
     */
    public record Bounds(ToIntFunction<String> loopChecks, ToIntFunction<String> mapItems) {
    }

    private AslLimits() {
    }

    /** The most events one execution of {@code definition} writes to its history. */
    public static long historyEvents(JsonNode definition, Bounds bounds) {
        return 2 + events(definition, bounds); // ExecutionStarted, and how it ended
    }

    /**
     * The most seconds one execution spends calling (not waiting in Wait states): each Task attempt takes
     * {@code attemptSeconds} of its resource, and each retry waits its full backoff, capped by MaxDelaySeconds.
     */
    public static long callSeconds(JsonNode definition, Bounds bounds, ToIntFunction<JsonNode> attemptSeconds) {
        return walk(definition, bounds, (name, state) -> switch (state.path("Type").asText()) {
            case "Task" -> attempts(state) * attemptSeconds.applyAsInt(state) + retryDelays(state);
            default -> 0;
        });
    }

    private static long events(JsonNode machine, Bounds bounds) {
        return walk(machine, bounds, (name, state) -> switch (state.path("Type").asText()) {
            // entered, scheduled, started, succeeded or failed, exited (a .sync task also submitted); 3 more a retry
            case "Task" -> 5 + (state.path("Resource").asText().contains(".sync") ? 1 : 0) + 3L * (attempts(state) - 1);
            case "Parallel" -> {
                long branches = 0;
                for (JsonNode branch : state.path("Branches")) {
                    branches += events(branch, bounds);
                }
                yield 4 + branches;
            }
            case "Map" -> "DISTRIBUTED".equals(state.path("ItemProcessor").path("ProcessorConfig").path("Mode").asText())
                    ? 8 // its items run as child executions, each with a history of its own
                    : 4 + (long) bounds.mapItems().applyAsInt(name) * (2 + events(processor(state), bounds));
            default -> 2; // entered and exited
        });
    }

    private interface Cost {
        long of(String name, JsonNode state);
    }

    /** Sums a cost over every state, a loop's states as often as it may go round. */
    private static long walk(JsonNode machine, Bounds bounds, Cost cost) {
        JsonNode states = machine.path("States");
        long total = 0;
        for (Set<String> component : components(states)) {
            long once = 0;
            for (String name : component) {
                once += cost.of(name, states.get(name));
            }
            total += isLoop(component, states) ? once * (rounds(component, states, bounds) + 1) : once;
        }
        return total;
    }

    private static JsonNode processor(JsonNode map) {
        return map.has("ItemProcessor") ? map.get("ItemProcessor") : map.get("Iterator");
    }

    private static long attempts(JsonNode task) {
        long attempts = 1;
        for (JsonNode retrier : task.path("Retry")) {
            attempts += retrier.path("MaxAttempts").asInt(3);
        }
        return attempts;
    }

    private static long retryDelays(JsonNode task) {
        long seconds = 0;
        for (JsonNode retrier : task.path("Retry")) {
            double delay = retrier.path("IntervalSeconds").asDouble(1);
            double cap = retrier.path("MaxDelaySeconds").asDouble(Double.MAX_VALUE);
            for (int attempt = 0; attempt < retrier.path("MaxAttempts").asInt(3); attempt++) {
                seconds += (long) Math.ceil(Math.min(delay, cap));
                delay *= retrier.path("BackoffRate").asDouble(2);
            }
        }
        return seconds;
    }

    /** How many times a loop may go round: the count that a Choice in it leaves the loop at, counted up by one in it. */
    private static long rounds(Set<String> loop, JsonNode states, Bounds bounds) {
        Set<String> counted = new LinkedHashSet<>();
        for (String name : loop) {
            Matcher matcher = INCREMENT.matcher(states.get(name).toString());
            while (matcher.find()) {
                counted.add(matcher.group(1));
            }
        }
        for (String name : loop) {
            for (JsonNode rule : rules(states.get(name))) {
                String variable = rule.path("Variable").asText();
                if (loop.contains(rule.path("Next").asText()) || !counted.contains(variable)) {
                    continue;
                }
                if (rule.has("NumericGreaterThanEquals")) {
                    return rule.get("NumericGreaterThanEquals").asLong();
                }
                if (rule.has("NumericGreaterThanEqualsPath")) {
                    return bounds.loopChecks().applyAsInt(rule.get("NumericGreaterThanEqualsPath").asText());
                }
            }
        }
        throw new IllegalStateException("the loop " + loop + " is bounded by no count: a Choice in it must leave it when a"
                + " variable it counts up by one (States.MathAdd(<variable>, 1)) reaches a bound");
    }

    /** A Choice's rules, And/Or/Not flattened (a rule inside them takes its Next from the top-level rule). */
    private static List<JsonNode> rules(JsonNode state) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode choice : state.path("Choices")) {
            Deque<JsonNode> pending = new ArrayDeque<>(List.of(choice));
            while (!pending.isEmpty()) {
                JsonNode rule = pending.pop();
                if (rule.has("Variable")) {
                    rules.add(((ObjectNode) rule.deepCopy()).put("Next", choice.path("Next").asText()));
                }
                rule.path("And").forEach(pending::push);
                rule.path("Or").forEach(pending::push);
                if (rule.has("Not")) {
                    pending.push(rule.get("Not"));
                }
            }
        }
        return rules;
    }

    /** The loops among {@code states}, one scope's (a machine's, or a Map's or a branch's own states). */
    public static List<Set<String>> loops(JsonNode states) {
        return components(states).stream().filter(component -> isLoop(component, states)).toList();
    }

    private static boolean isLoop(Set<String> component, JsonNode states) {
        String only = component.iterator().next();
        return component.size() > 1 || successors(states.get(only)).contains(only);
    }

    static Set<String> successors(JsonNode state) {
        Set<String> next = new LinkedHashSet<>();
        if (state.has("Next")) {
            next.add(state.get("Next").asText());
        }
        if (state.has("Default")) {
            next.add(state.get("Default").asText());
        }
        state.path("Choices").forEach(choice -> next.add(choice.path("Next").asText()));
        state.path("Catch").forEach(handler -> next.add(handler.path("Next").asText()));
        return next;
    }

    /** The strongly connected components of the states' transitions (Tarjan). */
    static List<Set<String>> components(JsonNode states) {
        List<Set<String>> components = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        states.fieldNames().forEachRemaining(name -> {
            if (!index.containsKey(name)) {
                connect(name, states, index, low, stack, onStack, components);
            }
        });
        return components;
    }

    private static void connect(String name, JsonNode states, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> components) {
        index.put(name, index.size());
        low.put(name, index.get(name));
        stack.push(name);
        onStack.add(name);
        for (String next : successors(states.get(name))) {
            if (!index.containsKey(next)) {
                connect(next, states, index, low, stack, onStack, components);
                low.put(name, Math.min(low.get(name), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(name, Math.min(low.get(name), index.get(next)));
            }
        }
        if (low.get(name).equals(index.get(name))) {
            Set<String> component = new LinkedHashSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(name));
            components.add(component);
        }
    }
}
