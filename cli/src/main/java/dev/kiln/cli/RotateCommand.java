package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln rotate [--role R] [--group G]... [--now]}: without --now, the groups the next rotation would take (opted in with
 * kiln:rotate=nightly) and where each stands, changing nothing; with --now, the rotate workflow started at once for
 * those groups and followed until it ends (docs/rotation.md). The exit code is 0 only when every group succeeded or
 * was skipped.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true, description = "Show what the next rotation would take, or"
        + " rotate now (--now) and follow it.")
final class RotateCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Option(names = "--role", description = "only the groups of this role")
    String role;

    @Option(names = "--group", paramLabel = "GROUP", description = "only this group (repeat for more); each must be one of"
            + " Kiln's, tagged kiln:rotate=nightly")
    List<String> groups;

    @Option(names = "--now", description = "start the rotation now and follow it (without it nothing starts or changes)")
    boolean now;

    @Option(names = "--reason", description = "why, in a few words people read (with --now)")
    String reason;

    @Option(names = "--no-wait", description = "with --now: start it and return; do not follow it")
    boolean noWait;

    @Override
    public Integer call() {
        if (role != null) {
            kiln.deployment().role(role);
        }
        List<Cloud.Group> named = groups == null ? null : groups.stream().map(g -> Fleet.group(kiln, g)).toList();
        if (!now) {
            return preview(named == null ? kiln.context().cloud().groups(role) : named);
        }
        ObjectNode input = Json.MAPPER.createObjectNode();
        if (groups != null) {
            groups.forEach(input.putArray("asgs")::add);
        }
        if (role != null) {
            input.putArray("roles").add(role);
        }
        input.put("reason", reason == null ? "kiln rotate --now, by " + kiln.context().user() : reason);
        Start.check("rotate", input);
        String which = groups != null ? String.join(", ", groups) : role == null ? "every opted-in group" : "the groups of " + role;
        return Start.run(kiln, "RotateStateMachineArn", "the rotation of " + which, "cli-rotate" + (role == null ? "" : "-" + role),
                input, noWait, Map.of(), new Start.Outcome(
                        output -> output.path("summary").asText(output.toString()),
                        output -> output.path("status").asText("SUCCEEDED").equals("SUCCEEDED")));
    }

    /** The opted-in groups of these and where each stands; nothing starts. */
    private int preview(List<Cloud.Group> asked) {
        KilnConfig.Rotation rotation = kiln.deployment().config().rotation();
        List<Fleet.Standing> taken = Fleet.standings(kiln, asked, kiln.context().clock().instant()).stream()
                .filter(Fleet.Standing::optedIn).filter(g -> role == null || role.equals(g.role())).toList();
        Set<String> colours = kiln.deployment().config().roles().stream().filter(r -> r.blueGreen() != null)
                .flatMap(r -> Stream.of(r.blueGreen().blue().group(), r.blueGreen().green().group())).collect(Collectors.toSet());
        Console console = kiln.console();
        if (console.json()) {
            ObjectNode result = Json.MAPPER.createObjectNode().put("schedule", rotation.schedule()).put("timeZone", rotation.timeZone())
                    .put("enabled", rotation.enabled());
            ArrayNode list = result.putArray("groups");
            taken.forEach(g -> g.json(list).put("wouldRotate", wouldRotate(g, colours)));
            console.result(result.toString());
            return 0;
        }
        console.line("The rotation " + (rotation.enabled() ? "runs " + rotation.schedule() + " (" + rotation.timeZone() + ")"
                : "schedule is off (rotation.enabled is false)") + "; it would find these groups tagged kiln:rotate=nightly"
                + (role == null ? "" : " and kiln:role=" + role) + ":");
        if (taken.isEmpty()) {
            console.line("  none");
        }
        taken.forEach(g -> console.line(String.format("  %-20s %-10s %-13s %s", g.group().name(), g.role(),
                wouldRotate(g, colours) ? "would rotate" : "would skip", colours.contains(g.group().name())
                        ? "a blue/green colour: releases bring its images (kiln release start " + g.role() + ")" : g.state())));
        console.line("Nothing was started. kiln rotate" + (role == null ? "" : " --role " + role)
                + (groups == null ? "" : groups.stream().map(g -> " --group " + g).collect(Collectors.joining())) + " --now rotates them now"
                + " (each group's plan decides again: docs/rotation.md).");
        return 0;
    }

    /**
     * Whether the rotation would replace the group's instances, as far as the command line can tell: it has an image
     * to go to, a launch template, no freeze, is not a blue/green colour, and is not on it yet (rotate-plan and
     * rotate-group decide; they also replace instances older than rotation.maxAgeHours).
     */
    private static boolean wouldRotate(Fleet.Standing group, Set<String> colours) {
        return group.current() != null && group.group().launchTemplate() != null && group.frozen() == null && !group.onCurrent()
                && !colours.contains(group.group().name());
    }
}
