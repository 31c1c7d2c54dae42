package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.distribution.DistributionPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln status [--role R]}: per role its current image (id, commit, when the commit was pushed, age, the
 * security advisories its bake applied) and its
 * release; Kiln's groups (tagged kiln:role) with the launch template version each launches and whether it runs the
 * current image; each role's image in its distribution targets' regions (its copy, whom it is shared with, whether
 * the hub's pointer there names it); Kiln's running executions with the state each is in; the last failure of each
 * workflow.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Each role's image and release, each group's template and image, what runs now, what failed last.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Kiln kiln;

    @Option(names = "--role", description = "only this role, and the executions whose input names it")
    String role;

    /** A role's current image, the advisories its bake applied, and its release. */
    private record RoleStatus(String role, Optional<CurrentImages.Current> image, List<String> advisories, Optional<JsonNode> release) {
    }

    private record Run(String workflow, Cloud.Execution execution, String detail) {
    }

    /**
     * A role's current image in one target region of distribute: its copy there (empty: none yet), whom the copy is
     * shared with, the hub's pointer there when the hub's account is a target (null: none), and each member account's.
     */
    private record Distributed(String role, String region, Optional<Cloud.ImageCopy> copy, List<String> sharedWith,
                               String pointer, Optional<String> pointsAt, List<MemberPointer> members) {

        String state() {
            if (copy.isEmpty()) {
                return "not copied yet";
            }
            if (pointer != null && !pointsAt.equals(Optional.of(copy.get().imageId()))) {
                return copy.get().state() + ", pointer behind (" + pointsAt.orElse("unset") + ")";
            }
            return copy.get().state();
        }

        String state(MemberPointer member) {
            if (member.problem() != null) {
                return "member stack cannot be asked: " + member.problem();
            }
            if (copy.isPresent() && member.pointsAt().equals(Optional.of(copy.get().imageId()))) {
                return "its pointer names the copy";
            }
            return "its pointer " + (copy.isEmpty() ? "names " : "is behind: ") + member.pointsAt().orElse("nothing");
        }
    }

    /**
     * A member account's pointer in a target region, read through its member stack's role.
     *
     * @param problem why the member stack could not be asked; null when it answered
     */
    private record MemberPointer(String account, String pointer, Optional<String> pointsAt, String problem) {
    }

    @Override
    public Integer call() {
        Deployment deployment = kiln.deployment();
        Cloud cloud = kiln.context().cloud();
        List<KilnConfig.Role> roles = role == null ? deployment.config().roles() : List.of(deployment.role(role));
        List<RoleStatus> statuses = roles.stream().map(r -> {
            Optional<CurrentImages.Current> image = cloud.currentImage(deployment.output("BakesTableName"), r.name());
            return new RoleStatus(r.name(), image, image.map(i -> cloud.imageAdvisories(deployment.output("ImagesTableName"), i.imageId()))
                    .orElse(List.of()), cloud.parameter("/" + deployment.stack() + "/releases/" + r.name()).map(JsonText::parse));
        }).toList();
        List<Run> running = new ArrayList<>();
        List<Run> failures = new ArrayList<>();
        for (Map.Entry<String, String> output : deployment.outputs().entrySet().stream()
                .filter(o -> o.getKey().endsWith("StateMachineArn")).sorted(Map.Entry.comparingByValue()).toList()) {
            String workflow = output.getValue().substring(output.getValue().lastIndexOf(':') + 1);
            for (Cloud.Execution execution : cloud.executions(output.getValue(), "RUNNING", 20)) {
                if (about(cloud, execution)) {
                    List<Cloud.Event> history = cloud.history(execution.arn());
                    running.add(new Run(workflow, execution, history.stream().filter(Cloud.Event::entered).reduce((a, b) -> b)
                            .map(Cloud.Event::state).orElse("starting")));
                }
            }
            cloud.executions(output.getValue(), "FAILED", 5).stream().filter(e -> about(cloud, e)).findFirst()
                    .map(e -> cloud.describe(e.arn()))
                    .ifPresent(e -> failures.add(new Run(workflow, e, e.error() + (e.cause() == null ? "" : ": " + shorter(e.cause())))));
        }
        Instant now = kiln.context().clock().instant();
        List<Fleet.Standing> groups = Fleet.standings(kiln, cloud.groups(role), now);
        List<Distributed> distributed = distribution(deployment, cloud, statuses);
        Console console = kiln.console();
        if (console.json()) {
            console.result(json(statuses, groups, distributed, running, failures).toString());
            return 0;
        }
        console.line(String.format("%-12s %-22s %-8s %-17s %-6s %-10s %s", "ROLE", "IMAGE", "COMMIT", "PUSHED", "AGE", "RELEASE",
                "ADVISORIES APPLIED"));
        for (RoleStatus s : statuses) {
            console.line(String.format("%-12s %-22s %-8s %-17s %-6s %-10s %s", s.role(),
                    s.image().map(CurrentImages.Current::imageId).orElse("(none yet)"),
                    s.image().map(i -> i.sha().substring(0, 7)).orElse("-"),
                    s.image().map(i -> i.pushedAt().toString().substring(0, 16).replace('T', ' ')).orElse("-"),
                    s.image().map(i -> age(Duration.between(i.pushedAt(), now))).orElse("-"),
                    s.release().map(r -> r.path("version").asText()).orElse("(none)"),
                    s.advisories().isEmpty() ? "-" : s.advisories().get(0) + (s.advisories().size() > 1 ? " +" + (s.advisories().size() - 1) : ""))
                    .stripTrailing());
        }
        console.line("");
        if (groups.isEmpty()) {
            console.line("Groups: none tagged kiln:role" + (role == null ? "" : "=" + role));
        } else {
            console.line(String.format("%-20s %-10s %-8s %-28s %-9s %s", "GROUP", "ROLE", "ROTATE", "TEMPLATE:VERSION", "INSTANCES", "STATE"));
            groups.forEach(g -> console.line(String.format("%-20s %-10s %-8s %-28s %-9s %s", g.group().name(), g.role(),
                    g.group().tags().getOrDefault(Fleet.ROTATE, "-"), template(g.group()),
                    g.instancesOnCurrent() + "/" + g.group().instanceImages().size(), g.state())));
        }
        if (!distributed.isEmpty()) {
            console.line("");
            console.line(String.format("%-12s %-16s %-22s %-14s %s", "DISTRIBUTED", "REGION", "COPY", "SHARED WITH", "STATE"));
            distributed.forEach(d -> {
                console.line(String.format("%-12s %-16s %-22s %-14s %s", d.role(), d.region(),
                        d.copy().map(Cloud.ImageCopy::imageId).orElse("-"),
                        d.sharedWith().isEmpty() ? "-" : d.sharedWith().get(0) + (d.sharedWith().size() > 1 ? " +" + (d.sharedWith().size() - 1) : ""),
                        d.state()));
                d.members().forEach(m -> console.line(String.format("%-12s %-16s %-22s %-14s %s", "", "", "  account", m.account(),
                        d.state(m))));
            });
        }
        console.line("");
        console.line(running.isEmpty() ? "Running: nothing" : "Running:");
        running.forEach(r -> console.line(String.format("  %-18s %-44s %s in %s", r.workflow(), name(r.execution()),
                Follow.elapsed(r.execution().startedAt(), now), r.detail())));
        console.line(failures.isEmpty() ? "Last failures: none" : "Last failures (kiln logs EXECUTION says more):");
        failures.forEach(f -> console.line(String.format("  %-18s %-44s %s  %s", f.workflow(), name(f.execution()),
                f.execution().stoppedAt() == null ? "" : f.execution().stoppedAt().toString().substring(0, 16).replace('T', ' '), f.detail())));
        return 0;
    }

    /** Each role's current image in each of its distribution targets' regions (docs/distribution.md). */
    private static List<Distributed> distribution(Deployment deployment, Cloud cloud, List<RoleStatus> statuses) {
        KilnConfig.Distribution distribution = deployment.config().distribution();
        if (distribution.isEmpty()) {
            return List.of();
        }
        // the hub: the account and region of Kiln's own state machines
        String hubArn = deployment.output("BakeStateMachineArn");
        String[] hub = hubArn.split(":");
        List<Distributed> found = new ArrayList<>();
        for (RoleStatus status : statuses) {
            if (status.image().isEmpty()) {
                continue;
            }
            String image = status.image().get().imageId();
            String rolePointer = "/" + deployment.stack() + "/images/" + status.role();
            for (DistributionPlan.Copy copy : DistributionPlan.of(distribution, status.role(), hub[4], hub[3]).copies()) {
                String pointer = copy.forHub() ? rolePointer : null;
                List<MemberPointer> members = distribution.accounts(status.role(), copy.region()).stream()
                        .filter(account -> !account.equals(hub[4]))
                        .map(account -> member(cloud, hubArn, deployment.stack(), account, copy.region(), rolePointer))
                        .toList();
                found.add(new Distributed(status.role(), copy.region(), cloud.imageCopy(copy.region(), image), copy.sharedWith(),
                        pointer, pointer == null ? Optional.empty() : cloud.parameter(copy.region(), pointer), members));
            }
        }
        return found;
    }

    private static MemberPointer member(Cloud cloud, String hubArn, String deployment, String account, String region, String pointer) {
        try {
            return new MemberPointer(account, pointer, cloud.memberParameter(hubArn, deployment, account, region, pointer), null);
        } catch (RuntimeException e) {
            return new MemberPointer(account, pointer, Optional.empty(), String.valueOf(e.getMessage()));
        }
    }

    /** Whether the execution is about the role asked for (its input names it); every execution is, without --role. */
    private boolean about(Cloud cloud, Cloud.Execution execution) {
        return role == null || Optional.ofNullable(cloud.describe(execution.arn()).input())
                .map(input -> input.matches("(?s).*\"" + role + "\".*")).orElse(false);
    }

    private ObjectNode json(List<RoleStatus> statuses, List<Fleet.Standing> groups, List<Distributed> distributed, List<Run> running,
                            List<Run> failures) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode roles = result.putArray("roles");
        for (RoleStatus s : statuses) {
            ObjectNode r = roles.addObject().put("role", s.role());
            s.image().ifPresent(i -> s.advisories().forEach(r.putObject("image").put("imageId", i.imageId()).put("sha", i.sha())
                    .put("pushedAt", i.pushedAt().toString()).putArray("advisories")::add));
            s.release().ifPresent(release -> r.set("release", release));
        }
        ArrayNode fleet = result.putArray("groups");
        groups.forEach(g -> g.json(fleet));
        ArrayNode copies = result.putArray("distribution");
        for (Distributed d : distributed) {
            ObjectNode copy = copies.addObject().put("role", d.role()).put("region", d.region())
                    .put("copyImageId", d.copy().map(Cloud.ImageCopy::imageId).orElse(null))
                    .put("state", d.copy().map(Cloud.ImageCopy::state).orElse(null));
            d.sharedWith().forEach(copy.putArray("sharedWith")::add);
            if (d.pointer() != null) {
                copy.put("pointer", d.pointer()).put("pointsAt", d.pointsAt().orElse(null));
            }
            ArrayNode members = copy.putArray("members");
            d.members().forEach(m -> members.addObject().put("account", m.account()).put("pointer", m.pointer())
                    .put("pointsAt", m.pointsAt().orElse(null)).put("problem", m.problem()));
        }
        ArrayNode runs = result.putArray("running");
        running.forEach(r -> runs.addObject().put("workflow", r.workflow()).put("execution", r.execution().arn())
                .put("startedAt", r.execution().startedAt().toString()).put("state", r.detail()));
        ArrayNode failed = result.putArray("lastFailures");
        failures.forEach(f -> failed.addObject().put("workflow", f.workflow()).put("execution", f.execution().arn())
                .put("stoppedAt", String.valueOf(f.execution().stoppedAt())).put("error", f.execution().error())
                .put("cause", f.execution().cause()));
        return result;
    }

    /** e.g. kiln-web:3 or kiln-web:$Latest=3 */
    static String template(Cloud.Group group) {
        if (group.launchTemplate() == null) {
            return "(launch configuration)";
        }
        String number = group.versionNumber() == null ? "?" : group.versionNumber().toString();
        return group.launchTemplate() + ":" + (group.version().equals(number) ? number : group.version() + "=" + number);
    }

    private static String name(Cloud.Execution execution) {
        return execution.arn().substring(execution.arn().lastIndexOf(':') + 1);
    }

    private static String shorter(String cause) {
        String line = cause.replaceAll("\\s+", " ");
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    /** e.g. 45m, 5h, 3d */
    static String age(Duration age) {
        return age.toDays() > 0 ? age.toDays() + "d" : age.toHours() > 0 ? age.toHours() + "h" : Math.max(0, age.toMinutes()) + "m";
    }
}
