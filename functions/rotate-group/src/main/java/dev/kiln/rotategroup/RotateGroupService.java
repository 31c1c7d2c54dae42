package dev.kiln.rotategroup;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.rotategroup.GroupRequest.Group;
import dev.kiln.rotategroup.GroupRequest.Item;
import dev.kiln.rotategroup.GroupRequest.Refresh;
import dev.kiln.rotategroup.GroupRequest.TemplateSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what rotate does with one group: skip it (gone, already refreshing, on a launch
 * configuration, or already current) or refresh it onto a launch template version, pinned by number,
 * that carries the role's image. That version is the group's own when it carries the image, else
 * {@code $Latest} when that does, else a new one made from the group's own with only the image changed.
 */
public record RotateGroupService(ConfigSource configs, Ports.LaunchTemplates templates,
                                 Ports.GroupInstances instances, Clock clock) {

    /** Instance refresh states in which Auto Scaling is still at work on the group. */
    static final Set<String> RUNNING = Set.of("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking");
    /** With any of these suspended, an instance refresh replaces no instance (AWS: "InstanceRefresh does not replace instances"). */
    static final List<String> BLOCKING = List.of("Launch", "Terminate", "InstanceRefresh");

    private static final Logger LOG = LoggerFactory.getLogger(RotateGroupService.class);

    public GroupDecision decide(GroupRequest request) {
        Item item = request.item();
        if (request.group().isEmpty()) {
            return logged(item, GroupDecision.skip("the group no longer exists"));
        }
        Optional<Refresh> running = request.newestRefresh().filter(r -> RUNNING.contains(r.status()));
        if (running.isPresent()) {
            // never two refreshes at once on one group
            return logged(item, GroupDecision.skip("instance refresh " + running.get().id() + " is already " + running.get().status()));
        }
        Group group = request.group().get();
        Optional<GroupRequest.SuspendedProcess> blocking = group.suspendedProcesses().stream()
                .filter(p -> BLOCKING.contains(p.name())).findFirst();
        if (blocking.isPresent()) {
            return logged(item, GroupDecision.skip("its " + blocking.get().name() + " process is suspended"
                    + (blocking.get().reason() == null ? "" : " (" + blocking.get().reason() + ")")
                    + ", so a refresh would replace no instance; it is rotated once the process is resumed"));
        }
        if (group.launchTemplate().isEmpty()) {
            return logged(item, GroupDecision.skip("uses a launch configuration; rotation needs a launch template"));
        }
        TemplateSpec spec = group.launchTemplate().get();

        Ports.TemplateVersion own = templates.describe(new Ports.TemplateRef(spec.id(), spec.name()), spec.version());
        Ports.TemplateVersion pinned = own;
        boolean created = false;
        if (!item.imageId().equals(own.imageId())) {
            Ports.TemplateVersion latest = spec.version().equals("$Latest") ? own
                    : templates.describe(new Ports.TemplateRef(own.launchTemplateId(), null), "$Latest");
            if (item.imageId().equals(latest.imageId())) {
                pinned = latest;
            } else {
                long number = templates.create(new Ports.NewVersion(own.launchTemplateId(), String.valueOf(own.number()),
                        "Kiln rotate: " + item.role() + " on " + item.imageId(), item.imageId()));
                pinned = new Ports.TemplateVersion(own.launchTemplateId(), number, item.imageId());
                created = true;
                LOG.info("Launch template version created for the image", entry("asg", item.asg()),
                        entry("launchTemplateId", own.launchTemplateId()), entry("sourceVersion", own.number()),
                        entry("version", number), entry("imageId", item.imageId()));
            }
        }
        String version = String.valueOf(pinned.number());

        List<Ports.RunningInstance> found = instances.of(item.asg());
        KilnConfig.Rotation settings = configs.current().rotation();
        Instant now = clock.instant();
        Instant youngest = now.minus(Duration.ofHours(settings.maxAgeHours()));
        String reason;
        if (created) {
            reason = "no version of " + own.launchTemplateId() + " carried " + item.imageId() + ": created version "
                    + version + " from version " + own.number();
        } else if (!spec.version().equals(version)) {
            reason = "the group launches version " + spec.version() + " of " + own.launchTemplateId() + "; "
                    + item.imageId() + " is in version " + version;
        } else {
            long other = found.stream().filter(i -> !item.imageId().equals(i.imageId())).count();
            Optional<Ports.RunningInstance> oldest = found.stream().min(Comparator.comparing(Ports.RunningInstance::launchTime));
            if (other > 0) {
                reason = other + " of " + found.size() + " instances run another image than " + item.imageId();
            } else if (oldest.isPresent() && !oldest.get().launchTime().isAfter(youngest)) {
                reason = "the oldest instance, " + oldest.get().instanceId() + ", is " + hours(oldest.get(), now)
                        + " hours old (rotation.maxAgeHours is " + settings.maxAgeHours() + ")";
            } else {
                // no version is created on this path: the group's own version already pins the image
                return logged(item, GroupDecision.skip(oldest
                        .map(i -> "already current: every instance runs " + item.imageId() + " and the oldest is "
                                + hours(i, now) + " hours old")
                        .orElse("already current: no instances, and its template pins " + item.imageId()),
                        own.launchTemplateId(), version, found.size()));
            }
        }
        return logged(item, new GroupDecision("refresh", reason, own.launchTemplateId(), version, created, found.size(),
                startInstanceRefresh(item.asg(), group, own.launchTemplateId(), version, settings)));
    }

    /** StartInstanceRefresh's request, under the Auto Scaling API's own field names. */
    private static ObjectNode startInstanceRefresh(String asg, Group group, String launchTemplateId, String version,
                                                   KilnConfig.Rotation settings) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("AutoScalingGroupName", asg).put("Strategy", "Rolling");
        ObjectNode template = Json.MAPPER.createObjectNode().put("LaunchTemplateId", launchTemplateId).put("Version", version);
        ObjectNode desired = request.putObject("DesiredConfiguration");
        if (group.mixedInstancesPolicy() != null) {
            // the policy is the group's own (overrides, distribution), only its template is pinned
            ObjectNode policy = group.mixedInstancesPolicy().deepCopy();
            ((ObjectNode) policy.get("LaunchTemplate")).set("LaunchTemplateSpecification", template);
            desired.set("MixedInstancesPolicy", policy);
        } else {
            desired.set("LaunchTemplate", template);
        }
        ObjectNode preferences = request.putObject("Preferences").put("MinHealthyPercentage", settings.minHealthyPercentage());
        if (settings.maxHealthyPercentage() != null) {
            preferences.put("MaxHealthyPercentage", settings.maxHealthyPercentage());
        }
        preferences.put("InstanceWarmup", settings.instanceWarmupSeconds())
                .put("SkipMatching", false)
                .put("AutoRollback", settings.autoRollback());
        if (!settings.alarms().isEmpty()) {
            settings.alarms().forEach(preferences.putObject("AlarmSpecification").putArray("Alarms")::add);
        }
        return request;
    }

    private static long hours(Ports.RunningInstance instance, Instant now) {
        return Math.max(0, Duration.between(instance.launchTime(), now).toHours());
    }

    private static GroupDecision logged(Item item, GroupDecision decision) {
        LOG.info("Group decided", entry("asg", item.asg()), entry("role", item.role()), entry("imageId", item.imageId()),
                entry("action", decision.action()), entry("reason", decision.reason()),
                entry("launchTemplateId", decision.launchTemplateId()), entry("version", decision.version()),
                entry("createdVersion", decision.createdVersion()), entry("instances", decision.instances()));
        return decision;
    }
}
