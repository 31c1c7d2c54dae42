package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln advisories [--open]}: the security advisories Kiln announced, newest first, with their severity,
 * packages, patch and the rotation that took the fix to the fleets; --open keeps those not yet out of the fleets.
 */
@Command(name = "advisories", mixinStandardHelpOptions = true, description = "The security advisories Kiln announced and what"
        + " became of each.")
final class AdvisoriesCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Option(names = "--open", description = "only those not yet out of the fleets: not patched, waiting for a bake,"
            + " incomplete, or patched but not yet rotated")
    boolean open;

    @Override
    public Integer call() {
        List<Advisories.Advisory> advisories = Advisories.read(kiln).stream().filter(a -> !open || a.open()).toList();
        Console console = kiln.console();
        if (console.json()) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            ArrayNode list = result.putArray("advisories");
            advisories.forEach(a -> list.add(a.json()));
            console.result(result.toString());
            return 0;
        }
        if (advisories.isEmpty()) {
            console.line(open ? "No open advisories." : "Kiln has announced no advisory yet (docs/advisories.md).");
            return 0;
        }
        console.line(String.format("%-24s %-10s %-22s %-17s %-13s %s", "ADVISORY", "SEVERITY", "PACKAGES", "ANNOUNCED", "PATCH", "FLEETS"));
        for (Advisories.Advisory a : advisories) {
            String announced = a.announcedAt() == null || a.announcedAt().length() < 16 ? "-"
                    : a.announcedAt().substring(0, 16).replace('T', ' ');
            String rotatedAt = a.patch().get("rotatedAt");
            console.line(String.format("%-24s %-10s %-22s %-17s %-13s %s", a.id(), a.severity(), a.packages(), announced,
                    a.patchState(), rotatedAt == null ? (a.open() ? "not yet" : "-")
                            : "rotated " + rotatedAt.substring(0, Math.min(16, rotatedAt.length())).replace('T', ' ') + ", "
                            + a.patch().getOrDefault("instancesReplaced", "?") + " instance(s) replaced"));
        }
        return 0;
    }
}
