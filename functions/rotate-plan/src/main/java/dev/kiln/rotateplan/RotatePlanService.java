package dev.kiln.rotateplan;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.Wording;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.fleet.FreezeTag;
import dev.kiln.rotateplan.errors.MalformedTagPageException;
import dev.kiln.rotateplan.errors.RotationTooLongException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which Auto Scaling groups a rotation replaces onto their role's published image. Kiln never
 * creates groups: a group opts in with the tag {@code kiln:rotate=nightly} and says its role with
 * {@code kiln:role}; {@code kiln:freeze} ({@code true}, or a time) and the configuration's freeze
 * windows hold it back. Every group the rotation could touch, or was asked to, gets an item saying what
 * happens to it; groups that did not opt in and were not named are left out.
 */
public record RotatePlanService(ConfigSource configs, Ports.TagPages tagPages, Ports.CurrentImages currentImages,
                                Ports.PlanStore plans, String bucket) {

    private static final Logger LOG = LoggerFactory.getLogger(RotatePlanService.class);
    private static final String NIGHTLY = "nightly";

    public RotatePlan plan(PlanRequest request) {
        KilnConfig config = configs.current();
        KilnConfig.Rotation rotation = config.rotation();
        String prefix = "rotations/" + request.rotation() + "/";
        Map<String, Map<String, String>> tagged = tagsByGroup(tagPages.read(bucket, prefix + "tags/"));

        Optional<KilnConfig.FreezeWindow> window = rotation.frozenAt(request.startedAt());
        boolean windowHolds = window.isPresent() && (request.advisory().isEmpty() || rotation.securityHonoursFreeze());
        if (window.isPresent() && !windowHolds) {
            LOG.warn("A freeze window is on, but a security rotation does not wait for it (securityHonoursFreeze is false)",
                    entry("rotation", request.rotation()), entry("advisory", request.advisory().orElseThrow()),
                    entry("window", window.get().reason()));
        }

        SortedSet<String> names = new TreeSet<>(request.asgs().orElse(List.copyOf(tagged.keySet())));
        Map<String, Optional<String>> images = new HashMap<>();
        List<RotatePlan.Item> items = new ArrayList<>();
        for (String asg : names) {
            Map<String, String> tags = tagged.get(asg);
            boolean named = request.asgs().isPresent();
            if (tags == null) {
                items.add(new RotatePlan.Item(asg, null, null, "no such group is tagged for rotation (kiln:rotate=nightly)"));
                continue;
            }
            String role = tags.get(TagDescription.ROLE);
            if (!NIGHTLY.equals(tags.get(TagDescription.ROTATE))) {
                if (named) {
                    items.add(new RotatePlan.Item(asg, role, null, "not tagged kiln:rotate=nightly"));
                }
                continue;
            }
            if (request.roles().isPresent() && (role == null || !request.roles().get().contains(role))) {
                if (!named) {
                    continue;
                }
                if (role != null) {
                    // named and of another role: say so rather than drop a group someone asked for
                    items.add(new RotatePlan.Item(asg, role, null, "role " + role + " is not among the roles asked for ("
                            + String.join(", ", request.roles().get()) + ")"));
                    continue;
                }
            }
            items.add(decide(asg, role, tags.get(TagDescription.FREEZE), config, images, request.startedAt(),
                    windowHolds ? window : Optional.empty()));
        }

        int toRotate = (int) items.stream().filter(item -> item.skip() == null).count();
        checkFits(rotation, toRotate);
        String key = prefix + "groups.json";
        plans.put(bucket, key, json(items));
        LOG.info("Rotation planned", entry("rotation", request.rotation()), entry("reason", request.reason()),
                entry("advisory", request.advisory().orElse(null)), entry("taggedGroups", tagged.size()),
                entry("groups", items.size()), entry("toRotate", toRotate), entry("skipped", items.size() - toRotate),
                entry("rolesLookedUp", images.size()));
        return new RotatePlan(bucket, key, items.size(), toRotate, new RotatePlan.Settings(rotation.watch(),
                rotation.maxConcurrency()));
    }

    /** Refuses a rotation that could outlast the rotate execution, before anything is started. */
    static void checkFits(KilnConfig.Rotation rotation, int groups) {
        Duration worst = rotation.worstCase(groups);
        if (worst.compareTo(KilnConfig.Rotation.MAX_DURATION) <= 0) {
            return;
        }
        long waves = KilnConfig.Rotation.MAX_DURATION.minus(KilnConfig.Rotation.OVERHEAD).toSeconds()
                / rotation.groupWorstCase().toSeconds();
        throw new RotationTooLongException("rotating " + groups + " groups, " + rotation.maxConcurrency() + " at a time, may take "
                + Wording.readable(worst) + " (each group up to its " + rotation.deadlineMinutes() + "-minute deadline and "
                + KilnConfig.Rotation.GROUP_CALLS.toMinutes() + " minutes of calls and retried throttling), more than the "
                + Wording.readable(KilnConfig.Rotation.MAX_DURATION) + " a rotation may run: raise rotation.maxConcurrency to at least "
                + Math.ceilDiv(groups, waves) + ", shorten rotation.deadlineMinutes, or rotate fewer groups at a time (asgs or roles)");
    }

    private RotatePlan.Item decide(String asg, String role, String freezeTag, KilnConfig config,
                                   Map<String, Optional<String>> images, Instant at, Optional<KilnConfig.FreezeWindow> window) {
        if (role == null) {
            return new RotatePlan.Item(asg, null, null, "tagged kiln:rotate=nightly but has no kiln:role tag");
        }
        if (config.role(role).isEmpty()) {
            return new RotatePlan.Item(asg, role, null, "role " + role + " is not in Kiln's configuration");
        }
        KilnConfig.BlueGreen blueGreen = config.role(role).get().blueGreen();
        if (blueGreen != null && blueGreen.colours().stream().anyMatch(colour -> colour.group().equals(asg))) {
            // a refresh would put a new image on the live colour without its preview and approval
            return new RotatePlan.Item(asg, role, null, "a colour of role " + role + ", which is released blue/green"
                    + " (docs/blue-green.md), not rotated");
        }
        // thousands of groups share a handful of roles: one consistent read per role
        Optional<String> image = images.computeIfAbsent(role, currentImages::imageId);
        if (image.isEmpty()) {
            return new RotatePlan.Item(asg, role, null, "role " + role + " has no published image yet");
        }
        Optional<String> frozen = FreezeTag.holds(freezeTag, at)
                .or(() -> window.map(w -> "frozen: " + w.reason() + " until " + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(w.end())));
        return new RotatePlan.Item(asg, role, image.get(), frozen.orElse(null));
    }

    /** Every tag row, by group; the groups in name order. */
    private static Map<String, Map<String, String>> tagsByGroup(List<Ports.Page> pages) {
        Map<String, Map<String, String>> groups = new TreeMap<>();
        for (Ports.Page page : pages) {
            for (TagDescription row : rows(page)) {
                if (row == null || row.resourceId() == null || row.key() == null || row.value() == null
                        || row.resourceType() != null && !row.resourceType().equals("auto-scaling-group")) {
                    continue;
                }
                Map<String, String> tags = groups.computeIfAbsent(row.resourceId(), id -> new HashMap<>());
                // an empty kiln:role or kiln:rotate says nothing; an empty kiln:freeze is not understood, so it freezes
                if (!row.value().isBlank() || row.key().equals(TagDescription.FREEZE)) {
                    tags.put(row.key(), row.value());
                }
            }
        }
        return groups;
    }

    /**
     * A page is the TagDescriptions array; the whole DescribeTags answer ({@code {"Tags": [...]}}) is accepted too.
     * Step Functions on AWS stores the text it is given as the object; LocalStack stores it as a JSON string
     * of that text, which is read through.
     */
    private static List<TagDescription> rows(Ports.Page page) {
        try {
            JsonNode root = Json.MAPPER.readTree(page.body());
            if (root != null && root.isTextual()) {
                root = Json.MAPPER.readTree(root.asText());
            }
            JsonNode rows = root != null && root.isObject() ? root.get("Tags") : root;
            if (rows == null || !rows.isArray()) {
                throw new MalformedTagPageException(page.key() + ": is not a JSON array of TagDescriptions", null);
            }
            return List.of(Json.MAPPER.treeToValue(rows, TagDescription[].class));
        } catch (JsonProcessingException e) {
            throw new MalformedTagPageException(page.key() + ": is not a JSON array of TagDescriptions: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String json(List<RotatePlan.Item> items) {
        try {
            return Json.MAPPER.writeValueAsString(items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
