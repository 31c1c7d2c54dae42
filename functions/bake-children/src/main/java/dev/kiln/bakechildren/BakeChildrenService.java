package dev.kiln.bakechildren;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import java.time.Instant;
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
public final class BakeChildrenService {

    private static final Logger LOG = LoggerFactory.getLogger(BakeChildrenService.class);

    /** What happened for one child role. */
    public record Child(String role, String execution, String sha, boolean started) {
    }

    private final ConfigSource configs;
    private final Ports.PublishedImages published;
    private final Ports.Bakes bakes;

    public BakeChildrenService(ConfigSource configs, Ports.PublishedImages published, Ports.Bakes bakes) {
        this.configs = configs;
        this.published = published;
        this.bakes = bakes;
    }

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
            ObjectNode input = Json.MAPPER.createObjectNode().put("role", child.name()).put("reason", "parent-image")
                    .put("parentImageId", baked.imageId());
            ObjectNode source = input.putObject("source").put("sha", current.sha());
            if (current.pushedAt() != null) {
                source.put("pushedAt", current.pushedAt());
            }
            boolean started = bakes.start(name, input.toString());
            LOG.info(started ? "Child role re-bake started" : "Child role re-bake was already started",
                    entry("parent", baked.role()), entry("child", child.name()), entry("execution", name),
                    entry("sha", current.sha()));
            children.add(new Child(child.name(), name, current.sha(), started));
        }
        return children;
    }
}
