package dev.kiln.patchplan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.AdvisoryPatterns;
import dev.kiln.common.InputSchema;
import dev.kiln.patchplan.errors.InvalidAdvisoryException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The advisory a {@code Security Advisory Published} event announces (its {@code detail}; sample:
 * events/kiln.advisories/security-advisory-published.json). Every field is checked: the id and the
 * releasever reach the bake's dnf/yum command line.
 */
public record Advisory(String id, String amazonLinux, String severity, List<String> packages, List<String> cves,
                       String link, Instant publishedAt, Optional<String> releasever) {

    /** What the state machine accepts as input, no more. */
    private static final InputSchema SCHEMA = InputSchema.load("patch.input.schema.json");
    private static final Pattern VERSION = Pattern.compile("2023|2|1");
    private static final Pattern SEVERITY = Pattern.compile("critical|important|medium|low");

    public Advisory {
        packages = List.copyOf(packages);
        cves = List.copyOf(cves);
    }

    public static Advisory fromEvent(JsonNode event) {
        if (event == null || !"kiln.advisories".equals(event.path("source").asText())
                || !"Security Advisory Published".equals(event.path("detail-type").asText())) {
            throw new InvalidAdvisoryException("the input is not a kiln.advisories Security Advisory Published event");
        }
        JsonNode detail = event.path("detail");
        String id = text(detail, "id", AdvisoryPatterns.ID, "an ALAS id (ALAS2023-2025-1196, ALAS2-2024-2501, ALAS-2018-939)");
        String version = text(detail, "amazonLinux", VERSION, "2023, 2 or 1");
        String severity = text(detail, "severity", SEVERITY, "critical, important, medium or low");
        List<String> packages = texts(detail, "packages", AdvisoryPatterns.PACKAGE, "package names");
        if (packages.isEmpty()) {
            throw new InvalidAdvisoryException("detail.packages: an advisory names at least one package");
        }
        List<String> cves = detail.has("cves") ? texts(detail, "cves", AdvisoryPatterns.CVE, "CVE ids") : List.of();
        Instant published;
        try {
            published = Instant.parse(detail.path("publishedAt").asText());
        } catch (DateTimeParseException e) {
            throw new InvalidAdvisoryException("detail.publishedAt: must be a time, got '" + detail.path("publishedAt").asText() + "'");
        }
        Optional<String> releasever = detail.hasNonNull("releasever")
                ? Optional.of(text(detail, "releasever", AdvisoryPatterns.RELEASEVER, "an AL2023 release (2023.5.20240805)"))
                : Optional.empty();
        if (releasever.isPresent() && !version.equals("2023")) {
            throw new InvalidAdvisoryException("detail.releasever: only Amazon Linux 2023 advisories have one");
        }
        // what the checks above do not name (an unknown field, a missing feedId or link, ...)
        List<String> problems = SCHEMA.problems(event);
        if (!problems.isEmpty()) {
            throw new InvalidAdvisoryException("the event does not match " + SCHEMA.where() + ": " + String.join("; ", problems));
        }
        return new Advisory(id, version, severity, packages, cves, detail.path("link").asText(""), published, releasever);
    }

    private static String text(JsonNode detail, String field, Pattern pattern, String expected) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw new InvalidAdvisoryException("detail." + field + ": must be " + expected + ", got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asText();
    }

    private static List<String> texts(JsonNode detail, String field, Pattern pattern, String expected) {
        JsonNode value = detail.get(field);
        if (value == null || !value.isArray()) {
            throw new InvalidAdvisoryException("detail." + field + ": must be a list of " + expected);
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
                throw new InvalidAdvisoryException("detail." + field + ": " + item + " is not one of " + expected);
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
