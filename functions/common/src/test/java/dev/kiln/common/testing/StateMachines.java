package dev.kiln.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The state machines' side of the contract between a function and the workflows that invoke it
 * (statemachines/*.asl.json): which Task states invoke it, the payload each sends, and the fields of its
 * answer each machine reads. {@link StateMachineContract} checks a function's side against this.
 */
public final class StateMachines {

    private StateMachines() {
    }

    /** What {@code handler} answers to {@code payload}, as the Lambda runtime would hand it over (no context: Powertools logs without one). */
    public static JsonNode invoke(RequestStreamHandler handler, JsonNode payload) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), answer, null);
            return Json.MAPPER.readTree(answer.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code outcome} gives, or the class of the error the function refused with: two payloads read alike when these are equal. */
    public static Object outcomeOrRefusal(Supplier<?> outcome) {
        try {
            return outcome.get();
        } catch (RuntimeException refused) {
            return refused.getClass();
        }
    }

    private static final Pattern PATH = Pattern.compile("(?<![$\\w])\\$(?![${\\w])(?:\\.[A-Za-z_]\\w*|\\[\\d+])*");
    private static final Pattern STEP = Pattern.compile("\\.?([A-Za-z_]\\w*)|\\[(\\d+)]");
    private static final String ITEM = "$$.Map.Item.Value";

    /**
     * A Task state that invokes the function: where it is, the Payload it sends, and the fields of the
     * function's answer the state machine reads (e.g. {@code commands.provision.parameters}, {@code bakes[0].name}).
     * A state that invokes it {@code .waitForTaskToken} reads none: its result is what SendTaskSuccess sends.
     */
    public record Invocation(String state, JsonNode payload, Set<String> answerPaths, boolean waitsForToken) {

        /** The payload's fields, named as the function receives them ({@code "sha.$"} arrives as {@code sha}). */
        public Set<String> fields() {
            Set<String> fields = new TreeSet<>();
            payload.fieldNames().forEachRemaining(name -> fields.add(name.replaceFirst("\\.\\$$", "")));
            return fields;
        }

        /** The payload the function receives: a field the state selects by path is its sample, a literal stays. */
        public ObjectNode payloadWith(Map<String, ?> samples) {
            ObjectNode sent = Json.MAPPER.createObjectNode();
            payload.fields().forEachRemaining(field -> {
                String name = field.getKey().replaceFirst("\\.\\$$", "");
                if (name.equals(field.getKey())) {
                    sent.set(name, field.getValue());
                } else {
                    assertThat(samples).as("%s sends %s, which the function does not read", state, name).containsKey(name);
                    sent.set(name, Json.MAPPER.valueToTree(samples.get(name)));
                }
            });
            return sent;
        }

        @Override
        public String toString() {
            return state;
        }
    }

    /** Every Task state of statemachines/*.asl.json that invokes {@code function}, e.g. {@code ${SourceFetchFunctionArn}}. */
    public static List<Invocation> invocations(String function) {
        List<Invocation> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Resources.repository("statemachines"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".asl.json")).sorted().toList()) {
                find(Json.MAPPER.readTree(file.toFile()).path("States"), function, file.getFileName() + " ", found);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(found).as("Task states that invoke %s", function).isNotEmpty();
        return found;
    }

    private static void find(JsonNode states, String function, String where, List<Invocation> found) {
        states.fields().forEachRemaining(state -> {
            JsonNode task = state.getValue();
            if (function.equals(task.path("Parameters").path("FunctionName").asText())) {
                boolean waits = task.path("Resource").asText().endsWith(".waitForTaskToken");
                found.add(new Invocation(where + state.getKey(), task.path("Parameters").path("Payload"),
                        waits ? Set.of() : answerPaths(states, task), waits));
            }
            find(task.path("ItemProcessor").path("States"), function, where, found);
            task.path("Branches").forEach(branch -> find(branch.path("States"), function, where, found));
        });
    }

    /** What the machine reads of the answer: in the task's ResultSelector, then wherever the parts it selects land. */
    private static Set<String> answerPaths(JsonNode scope, JsonNode task) {
        Set<String> read = new TreeSet<>();
        Map<String, String> lands = new HashMap<>(); // where in the state a part of the answer lands -> which part
        String resultPath = task.has("ResultPath") ? task.get("ResultPath").textValue() : "$"; // null: discarded
        JsonNode selector = task.get("ResultSelector");
        if (selector == null && resultPath != null) {
            lands.put(child(resultPath, "Payload"), "");
        } else if (selector != null) {
            selector.fields().forEachRemaining(field -> {
                String value = field.getValue().asText();
                if (field.getKey().endsWith(".$") && under(value, "$.Payload")) {
                    read.add(value.substring("$.Payload".length()));
                    if (resultPath != null) {
                        lands.put(child(resultPath, field.getKey().replaceFirst("\\.\\$$", "")), value.substring("$.Payload".length()));
                    }
                }
            });
        }
        reads(scope, lands, read);
        return read.stream().filter(part -> !part.isEmpty()).map(part -> part.replaceFirst("^\\.", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Adds to {@code read} the parts of the answer that {@code states} read, given where they landed. */
    private static void reads(JsonNode states, Map<String, String> lands, Set<String> read) {
        Set<String> written = new HashSet<>();
        states.forEach(state -> written(state, written));
        states.forEach(state -> collect(state, "", state, lands, written, read));
    }

    /** Where states write (a ResultPath): a part of the answer there is no longer what the function answered. */
    private static void written(JsonNode node, Set<String> written) {
        if (node.isArray()) {
            node.forEach(element -> written(element, written));
        }
        node.fields().forEachRemaining(field -> {
            if (field.getKey().equals("ResultPath") && field.getValue().isTextual()) {
                written.add(field.getValue().asText());
            } else if (!field.getKey().equals("ItemProcessor") && !field.getKey().equals("Branches")) {
                written(field.getValue(), written);
            }
        });
    }

    private static void collect(JsonNode node, String name, JsonNode parent, Map<String, String> lands, Set<String> written,
                                Set<String> read) {
        switch (name) {
            case "ResultSelector", "ResultPath" -> { } // the task's own result, and where it goes: not reads of the state
            case "ItemProcessor" -> reads(node.path("States"), itemLands(parent, lands, written), read);
            case "Branches" -> node.forEach(branch -> reads(branch.path("States"), lands, read));
            default -> {
                if (node.isTextual() && (name.endsWith(".$") || name.endsWith("Path") || name.equals("Variable"))) {
                    Matcher path = PATH.matcher(node.asText());
                    while (path.find()) {
                        read.addAll(parts(path.group(), lands, written));
                    }
                }
                if (node.isArray()) {
                    node.forEach(element -> collect(element, name, node, lands, written, read));
                }
                node.fields().forEachRemaining(field -> collect(field.getValue(), field.getKey(), node, lands, written, read));
            }
        }
    }

    /** Where the answer's parts are inside a Map's items: the items it maps over, or what its ItemSelector takes. */
    private static Map<String, String> itemLands(JsonNode map, Map<String, String> lands, Set<String> written) {
        Map<String, String> inside = new HashMap<>();
        List<String> items = map.has("ItemsPath") ? parts(map.get("ItemsPath").asText(), lands, written) : List.of();
        JsonNode selector = map.get("ItemSelector");
        if (selector == null) {
            items.forEach(item -> inside.put("$", item + "[0]"));
            return inside;
        }
        selector.fields().forEachRemaining(field -> {
            String at = "$." + field.getKey().replaceFirst("\\.\\$$", "");
            String value = field.getValue().asText();
            if (field.getKey().endsWith(".$") && value.startsWith(ITEM)) {
                items.forEach(item -> inside.put(at, item + "[0]" + value.substring(ITEM.length())));
            } else if (field.getKey().endsWith(".$")) {
                parts(value, lands, written).forEach(part -> inside.put(at, part));
            }
        });
        return inside;
    }

    /** The parts of the answer a path reads: under where one landed, unless a state wrote there since. */
    private static List<String> parts(String path, Map<String, String> lands, Set<String> written) {
        List<String> parts = new ArrayList<>();
        lands.forEach((at, part) -> {
            boolean rewritten = written.stream().anyMatch(w -> under(w, at) && !w.equals(at) && under(path, w));
            if (under(path, at) && !rewritten) {
                parts.add(part + path.substring(at.length()));
            }
        });
        return parts;
    }

    private static boolean under(String path, String at) {
        return path.equals(at) || path.startsWith(at + ".") || path.startsWith(at + "[");
    }

    private static String child(String path, String field) {
        return path.equals("$") ? "$." + field : path + "." + field;
    }

    /** How a type, as Jackson writes it, has the field at a path: declared, not, or inside a JSON tree (which may have any). */
    public enum Has { DECLARED, UNDECLARED, IN_A_TREE }

    public static Has has(Class<?> type, String path) {
        JavaType at = Json.MAPPER.constructType(type);
        Matcher step = STEP.matcher(path);
        while (step.find()) {
            if (JsonNode.class.isAssignableFrom(at.getRawClass()) || at.hasRawClass(Object.class)) {
                return Has.IN_A_TREE;
            }
            if (step.group(2) != null) { // [n]: an element of a list
                if (!at.isCollectionLikeType() && !at.isArrayType()) {
                    return Has.UNDECLARED;
                }
                at = at.getContentType();
            } else if (at.isMapLikeType()) { // any key of a map
                at = at.getContentType();
            } else {
                String field = step.group(1);
                Optional<JavaType> property = at.isContainerType() || at.isPrimitive() || at.getRawClass().getName().startsWith("java.")
                        ? Optional.empty()
                        : Json.MAPPER.getSerializationConfig().introspect(at).findProperties().stream()
                                .filter(p -> p.getName().equals(field) && p.couldSerialize())
                                .map(BeanPropertyDefinition::getPrimaryType).findFirst();
                if (property.isEmpty()) {
                    return Has.UNDECLARED;
                }
                at = property.get();
            }
        }
        return Has.DECLARED;
    }

    /** A path as a JSON pointer: {@code bakes[0].name} is {@code /bakes/0/name}. */
    public static String pointer(String path) {
        return "/" + path.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    }
}
