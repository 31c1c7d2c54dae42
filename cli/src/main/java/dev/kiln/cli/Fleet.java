package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.bake.CurrentImages;
import dev.kiln.common.fleet.FreezeTag;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kiln's fleets (the Auto Scaling groups tagged kiln:role) and where each stands: the launch template version it
 * launches, whether that version and every instance run the role's current image, and whether a kiln:freeze tag holds
 * it back from rotation (docs/rotation.md).
 */
final class Fleet {

    static final String ROLE = "kiln:role";
    static final String ROTATE = "kiln:rotate";
    static final String FREEZE = FreezeTag.KEY;

    /**
     * A group against its role's current image (null when the role has none yet); {@code frozen} says why rotation
     * leaves it alone (null when nothing does).
     */
    record Standing(Cloud.Group group, String role, String current, String frozen) {

        boolean optedIn() {
            return "nightly".equals(group.tags().get(ROTATE));
        }

        long instancesOnCurrent() {
            return group.instanceImages().stream().filter(image -> image.equals(current)).count();
        }

        /** Its launch template version pins the current image and every instance runs it. */
        boolean onCurrent() {
            return current != null && current.equals(group.imageId()) && instancesOnCurrent() == group.instanceImages().size();
        }

        /** Where it stands, in a few words. */
        String state() {
            String state = current == null ? "no image of " + role + " yet"
                    : group.launchTemplate() == null ? "launch configuration: rotation cannot update it"
                    : onCurrent() ? "on the current image"
                    : current.equals(group.imageId()) ? "template current, " + (group.instanceImages().size() - instancesOnCurrent())
                            + " instance(s) not yet"
                    : "behind the current image";
            return frozen == null ? state : state + "; " + frozen;
        }

        ObjectNode json(ArrayNode into) {
            ObjectNode g = into.addObject().put("group", group.name()).put("role", role).put("optedIn", optedIn())
                    .put("launchTemplate", group.launchTemplate()).put("version", group.version())
                    .put("imageId", group.imageId()).put("currentImageId", current).put("onCurrent", onCurrent())
                    .put("instances", group.instanceImages().size()).put("instancesOnCurrent", instancesOnCurrent())
                    .put("frozen", frozen).put("state", state());
            if (group.versionNumber() != null) {
                g.put("versionNumber", group.versionNumber());
            }
            return g;
        }
    }

    private Fleet() {
    }

    /** Each of Kiln's groups against its role's current image at {@code now}. */
    static List<Standing> standings(Kiln kiln, List<Cloud.Group> groups, Instant now) {
        Deployment deployment = kiln.deployment();
        Cloud cloud = kiln.context().cloud();
        Map<String, Optional<String>> current = new HashMap<>();
        return groups.stream()
                .map(g -> {
                    String of = g.tags().get(ROLE);
                    String image = current.computeIfAbsent(of, r -> cloud.currentImage(deployment.output("BakesTableName"), r)
                            .map(CurrentImages.Current::imageId)).orElse(null);
                    return new Standing(g, of, image, FreezeTag.holds(g.tags().get(FREEZE), now).orElse(null));
                })
                .toList();
    }

    /** The group, which must be one of Kiln's, or a refusal that names Kiln's groups. */
    static Cloud.Group group(Kiln kiln, String name) {
        Cloud cloud = kiln.context().cloud();
        return cloud.group(name).orElseThrow(() -> {
            List<String> groups = cloud.groupNames();
            return CliException.badInput("unknown group " + name + ": Kiln's groups are the Auto Scaling groups tagged kiln:role"
                    + (groups.isEmpty() ? ", and there are none in this account and region"
                    : " (" + groups.stream().limit(20).collect(Collectors.joining(", ")) + (groups.size() > 20 ? ", ..." : "") + ")"));
        });
    }
}
