package dev.kiln.bakechildren;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a role's new image is published, re-bakes the roles built directly on it (their children follow
 * in turn when their images are published). A child is re-baked at its own current commit, unless the
 * parent was baked from a newer push: then at the parent's commit, which holds the child's newest
 * files too (one repository), so a push that changes a parent and a child gives the child both. A
 * child never baked yet is baked at the parent's commit.
 */
public record BakeChildrenService(ConfigSource configs, Ports.PublishedImages published, Ports.Bakes bakes) {

    private static final Logger LOG = LoggerFactory.getLogger(BakeChildrenService.class);

    /** What happened for one role: the bake started (or started before, for a repeated event), or none (execution null). */
    public record Child(String role, String execution, String sha, boolean started) {
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Bakes for these reasons are of a pushed commit, with the time it was pushed. */
    private static final Set<String> PUSHED = Set.of("push", "parent-image");

    static Ports.Current commitFor(Optional<Ports.Current> childs, ImageBaked parent) {
        Ports.Current parents = new Ports.Current(parent.sha(), parent.pushedAt().map(Instant::toString).orElse(null));
        if (childs.isEmpty()) {
            return parents;
        }
        Ports.Current current = childs.get();
        boolean newerPush = PUSHED.contains(parent.reason()) && parent.pushedAt().isPresent()
                && (current.pushedAt() == null || parent.pushedAt().get().isAfter(Instant.parse(current.pushedAt())));
        return newerPush ? parents : current;
    }

    /**
     * Bakes every role built on Amazon Linux again, from nothing: the newest upstream image, the commit of
     * the role's published image, forced (a variant of its own, never a duplicate of an earlier bake). The
     * roles built on them follow when their new images are published. One bake per role and day: a
     * repeated event starts nothing more. A role not baked yet has no commit to rebuild and is left out.
     */
    public List<Child> rebuild(RebuildRequested request) {
        KilnConfig config = configs.current();
        List<Child> rebuilt = new ArrayList<>();
        for (KilnConfig.Role role : config.roles()) {
            if (role.parent() instanceof KilnConfig.ParentRole) {
                continue;
            }
            Optional<Ports.Current> current = published.current(role.name());
            if (current.isEmpty()) {
                LOG.info("The role has no published image yet: nothing to rebuild", entry("role", role.name()));
                rebuilt.add(new Child(role.name(), null, null, false));
                continue;
            }
            String sha = current.get().sha();
            String name = role.name() + "-rebuild-" + DAY.format(request.time()) + "-" + sha.substring(0, 12);
            ObjectNode input = withSource(Json.MAPPER.createObjectNode().put("role", role.name()).put("reason", "rebuild"),
                    current.get()).put("force", true);
            boolean started = bakes.start(name, input.toString());
            LOG.info(started ? "Rebuild from scratch started" : "Rebuild from scratch was already started",
                    entry("role", role.name()), entry("execution", name), entry("sha", sha), entry("reason", request.reason()));
            rebuilt.add(new Child(role.name(), name, sha, started));
        }
        return rebuilt;
    }

    public List<Child> handle(ImageBaked baked) {
        if (!baked.published()) {
            LOG.info("The image was not published (a newer push's image stands); children stay as they are",
                    entry("role", baked.role()), entry("imageId", baked.imageId()));
            return List.of();
        }
        KilnConfig config = configs.current();
        List<Child> children = new ArrayList<>();
        for (KilnConfig.Role child : config.children(baked.role())) {
            Ports.Current current = commitFor(published.current(child.name()), baked);
            // one name per child and parent image: a repeated event cannot start a second bake
            String name = child.name() + "-" + current.sha().substring(0, 12) + "-on-" + baked.imageId();
            ObjectNode input = withSource(Json.MAPPER.createObjectNode().put("role", child.name()).put("reason", "parent-image")
                    .put("parentImageId", baked.imageId()), current);
            boolean started = bakes.start(name, input.toString());
            LOG.info(started ? "Child role re-bake started" : "Child role re-bake was already started",
                    entry("parent", baked.role()), entry("child", child.name()), entry("execution", name),
                    entry("sha", current.sha()));
            children.add(new Child(child.name(), name, current.sha(), started));
        }
        return children;
    }

    /** The bake input's source: the commit, and when it was pushed when known. */
    private static ObjectNode withSource(ObjectNode input, Ports.Current current) {
        ObjectNode source = input.putObject("source").put("sha", current.sha());
        if (current.pushedAt() != null) {
            source.put("pushedAt", current.pushedAt());
        }
        return input;
    }
}
