package dev.kiln.infra.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.CloudFormationValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The checks every statemachines/*.asl.json must pass, usable on any definition. */
public final class AslChecks {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private AslChecks() {
    }

    /** Every {@code statemachines/<name>.asl.json}. */
    public static List<Path> definitions(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("statemachines"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".asl.json")).sorted().toList();
        }
    }

    /** The {@code ${Name}} placeholders CDK must substitute. */
    public static Set<String> placeholders(String definition) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(definition);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** Every error name in a Retry or Catch that contains a dot (a Java class name, or e.g. States.ALL). */
    public static Set<String> dottedErrorNames(JsonNode definition) {
        Set<String> names = new TreeSet<>();
        collectErrorNames(definition, names);
        return names;
    }

    /** The dotted error names that are neither {@code States.*}, nor an AWS service's error, nor a class on the class path. */
    public static List<String> unresolvedErrorNames(JsonNode definition) {
        List<String> unresolved = new ArrayList<>();
        for (String name : dottedErrorNames(definition)) {
            if (name.startsWith("States.") || isServiceError(name)) {
                continue;
            }
            try {
                Class<?> type = Class.forName(name, false, AslChecks.class.getClassLoader());
                if (!Throwable.class.isAssignableFrom(type)) {
                    unresolved.add(name + " (not an exception)");
                }
            } catch (ClassNotFoundException e) {
                unresolved.add(name);
            }
        }
        return unresolved;
    }

    // Errors raised by Step Functions' integrations are named after the service, e.g.
    // Lambda.ServiceException, Ec2.Ec2Exception, Sandbox.Timedout: a capitalised prefix, no package.
    private static boolean isServiceError(String name) {
        return Character.isUpperCase(name.charAt(0)) && name.indexOf('.') == name.lastIndexOf('.');
    }

    /**
     * Runs asl-validator (pinned in infra-cdk/package.json) on the definition with its placeholders
     * replaced by well-formed values; returns the problems it reports, or nothing when it is valid.
     */
    public static List<String> validate(Path definition, Path validator) throws IOException, InterruptedException {
        String text = Files.readString(definition);
        Matcher matcher = PLACEHOLDER.matcher(text);
        String substituted = matcher.replaceAll(m -> m.group(1).endsWith("Arn")
                ? "arn:aws:lambda:us-east-1:000000000000:function:" + m.group(1)
                : m.group(1));
        Path file = Files.createTempFile("asl-", ".json");
        try {
            Files.writeString(file, substituted);
            Process process = new ProcessBuilder(validator.toString(), "--json-path", file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return List.of("asl-validator did not finish within 60 s");
            }
            return process.exitValue() == 0 ? List.of() : List.of(output.strip());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public static JsonNode read(Path definition) throws IOException {
        return CloudFormationValues.JSON.readTree(definition.toFile());
    }

    private static void collectErrorNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("ErrorEquals") && field.getValue().isArray()) {
                    field.getValue().forEach(name -> {
                        if (name.asText().contains(".")) {
                            names.add(name.asText());
                        }
                    });
                } else {
                    collectErrorNames(field.getValue(), names);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectErrorNames(element, names));
        }
    }
}
