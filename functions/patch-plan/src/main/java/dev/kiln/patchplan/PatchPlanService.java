package dev.kiln.patchplan;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.workflow.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what an advisory means for the fleet. A role is affected when it is built on the advisory's
 * Amazon Linux release and its published image carries one of the advisory's packages: as an
 * installed package or as the source package of one (the inventory recorded at bake). A role whose
 * image has no recorded inventory is baked too (safe side); a role not baked yet, or on another
 * release, or whose image does not carry the packages, is not touched. Of the affected roles, those
 * with no affected ancestor are baked with the advisory; the others follow their parent's new image.
 */
public record PatchPlanService(ConfigSource configs, Ports.PublishedImages published, Ports.Inventories inventories,
                               Ports.Claims claims, Ports.Executions executions) {

    private static final Logger LOG = LoggerFactory.getLogger(PatchPlanService.class);

    public PatchPlan plan(Advisory advisory, String executionArn, Instant now) {
        ObjectNode announced = detail(advisory);
        Optional<Ports.Holder> holder = claims.claim(advisory.id(), executionArn, now);
        if (holder.isPresent() && holder.get().state().equals("PATCHING") && !executions.running(holder.get().executionArn())
                && claims.takeOver(advisory.id(), holder.get(), executionArn, now)) {
            // the execution that held it stopped before it recorded anything (aborted, timed out, a step failed)
            LOG.warn("The patch that held this advisory stopped midway; this execution takes it over",
                    entry("advisory", advisory.id()), entry("stopped", holder.get().executionArn()));
            holder = Optional.empty();
        }
        if (holder.isPresent()) {
            LOG.info("The advisory is patched by another execution; nothing to do", entry("advisory", advisory.id()),
                    entry("heldBy", holder.get().executionArn()), entry("state", holder.get().state()));
            return PatchPlan.duplicateOf(holder.get().executionArn(), announced, advisory.id());
        }
        KilnConfig config = configs.current();
        boolean immediate = config.advisories().immediate().contains(advisory.severity());

        List<PatchPlan.Affected> affected = new ArrayList<>();
        List<PatchPlan.Untouched> untouched = new ArrayList<>();
        Map<String, Ports.Published> current = new HashMap<>();
        for (KilnConfig.Role role : config.roles()) {
            String release = config.baseOf(role.name()).version();
            if (!release.equals(advisory.amazonLinux())) {
                untouched.add(new PatchPlan.Untouched(role.name(), "built on Amazon Linux " + release
                        + ", the advisory is for Amazon Linux " + advisory.amazonLinux()));
                continue;
            }
            Optional<Ports.Published> image = published.current(role.name());
            if (image.isEmpty()) {
                untouched.add(new PatchPlan.Untouched(role.name(), "not baked yet: it has no published image"));
                continue;
            }
            current.put(role.name(), image.get());
            Optional<Ports.Contents> contents = inventories.of(image.get().imageId());
            if (contents.isEmpty()) {
                affected.add(new PatchPlan.Affected(role.name(), image.get().imageId(), List.of(),
                        "no inventory is recorded for its image " + image.get().imageId() + ": baked to be safe"));
                continue;
            }
            List<String> matched = advisory.packages().stream()
                    .filter(p -> contents.get().packages().contains(p) || contents.get().sources().contains(p))
                    .toList();
            if (matched.isEmpty()) {
                untouched.add(new PatchPlan.Untouched(role.name(), "its image " + image.get().imageId()
                        + " does not carry " + String.join(", ", advisory.packages())));
            } else {
                affected.add(new PatchPlan.Affected(role.name(), image.get().imageId(), matched,
                        "its image " + image.get().imageId() + " carries " + String.join(", ", matched)));
            }
        }

        Set<String> affectedRoles = affected.stream().map(PatchPlan.Affected::role).collect(Collectors.toCollection(HashSet::new));
        List<PatchPlan.Bake> bakes = new ArrayList<>();
        List<PatchPlan.Follower> followers = new ArrayList<>();
        for (PatchPlan.Affected role : affected) {
            List<String> ancestors = config.ancestors(role.role());
            if (ancestors.stream().anyMatch(affectedRoles::contains)) {
                // its parent is on the same release, so its image was looked up above
                String parent = ancestors.get(0);
                followers.add(new PatchPlan.Follower(role.role(), parent, role.imageId(),
                        current.containsKey(parent) ? current.get(parent).imageId() : "none"));
            } else {
                bakes.add(new PatchPlan.Bake(role.role(), role.role() + "-" + advisory.id(),
                        bakeInput(role.role(), current.get(role.role()), advisory)));
            }
        }
        followers.sort(Comparator.comparingInt(f -> config.ancestors(f.role()).size()));

        String summary = advisory.id() + " (" + advisory.severity() + ", " + String.join(", ", advisory.packages()) + "): "
                + (affected.isEmpty() ? "no role carries it"
                : affected.stream().map(PatchPlan.Affected::role).collect(Collectors.joining(", ")) + " affected"
                + (immediate ? "" : "; " + advisory.severity() + " advisories wait for the roles' next bakes"));
        LOG.info("Patch planned", entry("advisory", advisory.id()), entry("immediate", immediate),
                entry("affected", affectedRoles), entry("bakes", bakes.stream().map(PatchPlan.Bake::role).toList()),
                entry("followers", followers.stream().map(PatchPlan.Follower::role).toList()));
        return new PatchPlan(false, null, announced, immediate, affected, untouched,
                immediate ? bakes : List.of(), immediate ? followers : List.of(), followPoll(config.builder(), followers.size()),
                advisory.id() + advisory.releasever().map(r -> "|" + r).orElse(""), summary);
    }

    private static ObjectNode bakeInput(String role, Ports.Published image, Advisory advisory) {
        ObjectNode input = Json.MAPPER.createObjectNode().put("role", role).put("reason", "advisory");
        ObjectNode source = input.putObject("source").put("sha", image.sha());
        if (image.pushedAt() != null) {
            source.put("pushedAt", image.pushedAt());
        }
        ObjectNode fix = input.putArray("advisories").addObject().put("id", advisory.id());
        advisory.releasever().ifPresent(r -> fix.put("releasever", r));
        return input;
    }

    private static ObjectNode detail(Advisory advisory) {
        ObjectNode detail = Json.MAPPER.createObjectNode().put("id", advisory.id()).put("amazonLinux", advisory.amazonLinux())
                .put("severity", advisory.severity());
        advisory.packages().forEach(detail.putArray("packages")::add);
        advisory.cves().forEach(detail.putArray("cves")::add);
        detail.put("link", advisory.link()).put("publishedAt", advisory.publishedAt().toString());
        advisory.releasever().ifPresent(r -> detail.put("releasever", r));
        return detail;
    }

    /**
     * How patch waits for each of {@code followers} re-bakes: as long as a bake of the parent and then of the
     * follower may take, every builder.pollSeconds or less often, so that all of them together ask at most
     * {@link PatchPlan#MAX_FOLLOW_CHECKS} times.
     */
    public static Poll followPoll(KilnConfig.BuilderSettings builder, int followers) {
        int waitMinutes = builder.ssmTimeoutMinutes() + 2 * builder.commandTimeoutMinutes() + builder.imageTimeoutMinutes() + 30;
        return Poll.covering(waitMinutes * 60, builder.pollSeconds(), Math.max(1, PatchPlan.MAX_FOLLOW_CHECKS / Math.max(1, followers)));
    }
}
