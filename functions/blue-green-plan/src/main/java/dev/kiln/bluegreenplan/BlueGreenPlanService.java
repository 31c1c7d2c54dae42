package dev.kiln.bluegreenplan;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.bluegreenplan.BlueGreenPlan.Capacity;
import dev.kiln.bluegreenplan.BlueGreenPlan.Colour;
import dev.kiln.bluegreenplan.BlueGreenPlan.Logs;
import dev.kiln.bluegreenplan.BlueGreenPlan.Polls;
import dev.kiln.bluegreenplan.BlueGreenPlan.Preview;
import dev.kiln.bluegreenplan.BlueGreenPlan.Smoke;
import dev.kiln.bluegreenplan.BlueGreenPlan.Step;
import dev.kiln.bluegreenplan.Ports.Forward;
import dev.kiln.bluegreenplan.Ports.Group;
import dev.kiln.bluegreenplan.Ports.Holder;
import dev.kiln.bluegreenplan.Ports.Image;
import dev.kiln.bluegreenplan.Ports.Listener;
import dev.kiln.bluegreenplan.Ports.Live;
import dev.kiln.bluegreenplan.Ports.Rule;
import dev.kiln.bluegreenplan.errors.InvalidBlueGreenInputException;
import dev.kiln.bluegreenplan.errors.ReleaseRefusedException;
import dev.kiln.common.Hashes;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfig.BlueGreen;
import dev.kiln.common.config.KilnConfig.Role;
import dev.kiln.common.release.Release;
import dev.kiln.common.release.ReleaseSource;
import dev.kiln.common.workflow.Poll;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans one blue/green release of a role, or refuses it having changed nothing. The listener decides which
 * colour is live: the one its default action forwards to; the other is idle and gets the role's current image
 * and release. One release of a role runs at a time: the plan claims the role, taking over only from an
 * execution that has ended.
 */
record BlueGreenPlanService(ConfigSource configs, ReleaseSource releases, Ports.Images images, Ports.LoadBalancing loadBalancing,
                            Ports.Groups groups, Ports.Releases releasesTable, Ports.Executions executions, Config settings) {

    /** The preview rule's priority: before every other rule of the listener. */
    static final int PREVIEW_PRIORITY = 1;
    static final String ROLE_TAG = "kiln:role";
    static final String PURPOSE_TAG = "kiln:purpose";
    static final String PREVIEW = "preview";
    /** Asks per wait at most: each ask costs history events, and one execution holds 25,000. */
    static final int MAX_CHECKS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenPlanService.class);

    BlueGreenPlan plan(PlanRequest request) {
        KilnConfig config = configs.current();
        Role role = config.role(request.role()).orElseThrow(() -> new InvalidBlueGreenInputException("role: there is no role '"
                + request.role() + "' in the Kiln configuration; its roles are " + config.roles().stream().map(Role::name).toList()));
        BlueGreen blueGreen = role.blueGreen();
        if (blueGreen == null) {
            throw new InvalidBlueGreenInputException("role " + role.name() + " is not released blue/green: give it a blueGreen"
                    + " block in the Kiln configuration (docs/blue-green.md)");
        }
        Image image = images.current(role.name()).orElseThrow(() -> new ReleaseRefusedException(role.name()
                + " has no published image yet: bake it first"));
        Optional<Release> release = releases.current(role.name());

        Listener listener = loadBalancing.listener(blueGreen.listenerArn()).orElseThrow(() -> new ReleaseRefusedException(
                "there is no listener " + blueGreen.listenerArn() + " (blueGreen.listenerArn of role " + role.name() + ")"));
        KilnConfig.Colour live = liveColour(blueGreen, listener);
        KilnConfig.Colour idle = live == blueGreen.blue() ? blueGreen.green() : blueGreen.blue();
        Group liveGroup = group(live);
        Group idleGroup = group(idle);
        if (idleGroup.launchTemplateId() == null) {
            throw new ReleaseRefusedException("group " + idle.group() + " does not launch from a launch template of its own:"
                    + " blue/green puts the new image in a version of its template");
        }
        if (idleGroup.suspended().contains("Launch")) {
            throw new ReleaseRefusedException("group " + idle.group() + " has its Launch process suspended (launches of the"
                    + " role kept failing, or a person suspended it): resume it (setting a new release does) and start again");
        }
        Optional<Rule> preview = previewRule(role.name(), blueGreen.listenerArn());

        Optional<Live> recorded = releasesTable.live(role.name()).filter(l -> l.colour().equals(live.name()));
        String version = release.map(Release::version).orElse(null);
        if (recorded.isPresent() && recorded.get().imageId().equals(image.imageId())
                && Objects.equals(recorded.get().version(), version)) {
            throw new ReleaseRefusedException("nothing to release: " + live.name() + " (" + live.group() + ") already runs "
                    + image.imageId() + (version == null ? "" : " with release " + version) + "; bake or set a new release first");
        }
        claim(request, role.name(), image, version);

        BlueGreenPlan plan = plan(request, config, role, blueGreen, image, release, recorded, live, idle, liveGroup, idleGroup,
                listener, preview);
        LOG.info("Blue/green release planned", entry("role", role.name()), entry("live", live.name()), entry("idle", idle.name()),
                entry("imageId", image.imageId()), entry("release", version), entry("emptyFirst", plan.emptyFirst()));
        return plan;
    }

    /** The colour the listener's default action sends to; refused when that is both, neither or unclear. */
    static KilnConfig.Colour liveColour(BlueGreen blueGreen, Listener listener) {
        if (!listener.defaultActionTypes().equals(List.of("forward"))) {
            throw new ReleaseRefusedException("the default action of listener " + listener.arn() + " is "
                    + listener.defaultActionTypes() + ": blue/green switches a listener whose default action only forwards"
                    + " (to one of the colours' target groups)");
        }
        List<Forward> carrying = listener.forwards().stream().filter(f -> f.weight() > 0).toList();
        boolean blue = carrying.stream().anyMatch(f -> f.targetGroupArn().equals(blueGreen.blue().targetGroupArn()));
        boolean green = carrying.stream().anyMatch(f -> f.targetGroupArn().equals(blueGreen.green().targetGroupArn()));
        if (blue && green) {
            throw new ReleaseRefusedException("both colours carry traffic on listener " + listener.arn() + " (" + weights(blueGreen, carrying)
                    + "): a switch did not finish; send everything to one colour (or roll back) before releasing again");
        }
        if (!blue && !green) {
            throw new ReleaseRefusedException("neither colour carries traffic on listener " + listener.arn() + ": its default action"
                    + " forwards to " + carrying.stream().map(Forward::targetGroupArn).toList() + ", not to "
                    + blueGreen.blue().targetGroupArn() + " (blue) or " + blueGreen.green().targetGroupArn() + " (green)");
        }
        if (carrying.size() > 1) {
            throw new ReleaseRefusedException("listener " + listener.arn() + " also forwards to target groups of neither colour ("
                    + weights(blueGreen, carrying) + "): blue/green switches a listener that sends to one colour only");
        }
        return blue ? blueGreen.blue() : blueGreen.green();
    }

    private static String weights(BlueGreen blueGreen, List<Forward> forwards) {
        int total = forwards.stream().mapToInt(Forward::weight).sum();
        return String.join(", ", forwards.stream().map(f -> name(blueGreen, f.targetGroupArn()) + " "
                + Math.round(100.0 * f.weight() / total) + "%").toList());
    }

    private static String name(BlueGreen blueGreen, String targetGroupArn) {
        return blueGreen.colours().stream().filter(c -> c.targetGroupArn().equals(targetGroupArn)).map(KilnConfig.Colour::name)
                .findFirst().orElse(targetGroupArn);
    }

    private Group group(KilnConfig.Colour colour) {
        Group group = groups.group(colour.group()).orElseThrow(() -> new ReleaseRefusedException("there is no Auto Scaling group "
                + colour.group() + " (blueGreen." + colour.name() + ".group)"));
        if (!group.targetGroupArns().contains(colour.targetGroupArn())) {
            throw new ReleaseRefusedException("group " + colour.group() + " is not attached to target group " + colour.targetGroupArn()
                    + " (blueGreen." + colour.name() + "): its instances would never serve; attach it, then start again");
        }
        return group;
    }

    /** Kiln's preview rule from an earlier release, if any; refused when another rule holds the preview's priority. */
    private Optional<Rule> previewRule(String role, String listenerArn) {
        List<Rule> rules = loadBalancing.rules(listenerArn);
        Optional<Rule> kilns = rules.stream()
                .filter(r -> role.equals(r.tags().get(ROLE_TAG)) && PREVIEW.equals(r.tags().get(PURPOSE_TAG))).findFirst();
        rules.stream().filter(r -> r.priority() <= PREVIEW_PRIORITY && kilns.map(k -> !k.arn().equals(r.arn())).orElse(true))
                .findFirst().ifPresent(r -> {
                    throw new ReleaseRefusedException("rule " + r.arn() + " of listener " + listenerArn + " has priority " + r.priority()
                            + ", which the preview rule needs (it must come before every other rule): give that rule a later priority");
                });
        return kilns;
    }

    private void claim(PlanRequest request, String role, Image image, String version) {
        Holder mine = new Holder(request.executionArn(), image.imageId(), version, request.startedAt());
        Optional<Holder> holder = releasesTable.holder(role).filter(h -> !h.executionArn().equals(request.executionArn()));
        if (holder.isPresent() && executions.running(holder.get().executionArn())) {
            Holder running = holder.get();
            boolean same = running.imageId().equals(image.imageId()) && Objects.equals(running.version(), version);
            throw new ReleaseRefusedException((same ? "this release of " + role + " is already running"
                    : "another release of " + role + " is running") + ": execution " + running.executionArn() + " ("
                    + described(running.imageId(), running.version()) + ", started " + running.startedAt()
                    + "); approve, reject or roll it back, or let it finish");
        }
        if (!releasesTable.claim(role, mine, holder)) {
            throw new ReleaseRefusedException("another release of " + role + " started meanwhile: see its execution");
        }
    }

    private static String described(String imageId, String version) {
        return (version == null ? "no release" : "release " + version) + " on " + imageId;
    }

    private BlueGreenPlan plan(PlanRequest request, KilnConfig config, Role role, BlueGreen blueGreen, Image image,
                               Optional<Release> release, Optional<Live> recorded, KilnConfig.Colour live, KilnConfig.Colour idle,
                               Group liveGroup, Group idleGroup, Listener listener, Optional<Rule> preview) {
        String version = release.map(Release::version).orElse(null);
        String logPrefix = "logs/blue-green/" + role.name() + "/" + request.executionName() + "/";
        int poll = role.builder().pollSeconds();
        int readySeconds = blueGreen.readyTimeoutMinutes() * 60;
        List<String> changes = changes(config, image, version, recorded);
        String summary = role.name() + " " + described(image.imageId(), version) + " to " + idle.name() + " (" + idle.group()
                + "); live: " + live.name() + " (" + live.group() + ")";
        return new BlueGreenPlan(
                role.name(), request.executionName(), request.reason(), summary, changes,
                mail(request, summary, changes, blueGreen, live, idle),
                new BlueGreenPlan.Image(image.imageId(), image.sha()),
                version,
                release.map(Release::toJson).orElse(""),
                blueGreen.listenerArn(),
                colour(live), colour(idle),
                recorded.map(l -> new BlueGreenPlan.LivePreviously(l.colour(), l.imageId(), l.sha(), l.release())).orElse(null),
                new Capacity(liveGroup.min(), liveGroup.max(), liveGroup.desired()),
                idleGroup.desired() > 0 || idleGroup.instances() > 0,
                template(request, role, image, version, idleGroup),
                preview(role.name(), blueGreen, idle, preview),
                address(listener), blueGreen.previewCidrs(),
                steps(blueGreen, live, idle),
                List.of(forward(live.targetGroupArn())),
                smoke(blueGreen, logPrefix),
                new BlueGreenPlan.Approval(blueGreen.approvalTimeoutMinutes() * 60, blueGreen.approversTopicArn()),
                blueGreen.keepOldMinutes() * 60,
                blueGreen.alarms(), !blueGreen.alarms().isEmpty(),
                new Polls(Poll.covering(readySeconds, poll, MAX_CHECKS), Poll.covering(readySeconds, poll, MAX_CHECKS),
                        Poll.covering(blueGreen.smokeTimeoutSeconds() + 30, poll, MAX_CHECKS)),
                new Logs(settings.artifactsBucket(), logPrefix, "s3://" + settings.artifactsBucket() + "/" + logPrefix));
    }

    private List<String> changes(KilnConfig config, Image image, String version, Optional<Live> live) {
        List<String> lines = new ArrayList<>();
        lines.add("Image: " + image.imageId() + " (commit " + shortSha(image.sha()) + ")"
                + live.map(l -> l.imageId().equals(image.imageId()) ? ", as live" : "; live runs " + l.imageId() + " (commit "
                        + shortSha(l.sha()) + ")").orElse(""));
        lines.add("Release: " + (version == null ? "none" : version)
                + live.map(l -> Objects.equals(l.version(), version) ? ", as live"
                        : "; live runs " + (l.version() == null ? "none" : l.version())).orElse(""));
        live.filter(l -> !l.sha().equals(image.sha())).ifPresent(l -> lines.add("Commits since the live one: "
                + compare(config.repository(), l.sha(), image.sha())));
        List<String> advisories = images.advisories(image.imageId());
        lines.add("Advisories applied: " + (advisories.isEmpty() ? "none" : String.join(", ", advisories)));
        if (live.isEmpty()) {
            lines.add("This is the role's first blue/green release: what the live colour runs was not recorded");
        }
        return lines;
    }

    private static BlueGreenPlan.Mail mail(PlanRequest request, String summary, List<String> changes, BlueGreen blueGreen,
                                           KilnConfig.Colour live, KilnConfig.Colour idle) {
        String lead = summary + "\n\n";
        String started = lead + "What changes:\n  " + String.join("\n  ", changes) + "\n\nWhy: " + request.reason()
                + "\nThe approvers are asked once every new instance is in service, healthy and previewed.\nExecution: "
                + request.executionArn();
        String old = live.name() + " (" + live.group() + ")";
        String switched = lead + "Every request now goes to " + idle.name() + " (" + idle.group() + "). " + (blueGreen.keepOldMinutes() == 0
                ? old + " lets its instances go now."
                : old + " keeps its instances for " + blueGreen.keepOldMinutes() + " minutes; until then the decision rollback"
                        + " (docs/blue-green.md) sends every request back to it at once.");
        return new BlueGreenPlan.Mail(lead, started, switched);
    }

    /** GitHub's page of the commits between two; on GitHub Enterprise its web address is the API's without /api/v3. */
    static String compare(KilnConfig.Repository repository, String from, String to) {
        String api = repository.apiUrl();
        String web = api.equals("https://api.github.com") ? "https://github.com" : api.replaceAll("/api/v3$", "");
        return web + "/" + repository.fullName() + "/compare/" + from + "..." + to;
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** Where the preview is seen from the preview CIDRs: the load balancer's address, with the listener's protocol and port. */
    private String address(Listener listener) {
        String dns = loadBalancing.dnsName(listener.loadBalancerArn()).orElseThrow(() -> new ReleaseRefusedException(
                "there is no load balancer " + listener.loadBalancerArn() + " (of listener " + listener.arn() + ")"));
        String scheme = listener.protocol() == null ? "http" : listener.protocol().toLowerCase(Locale.ROOT);
        boolean usual = scheme.equals("http") && listener.port() == 80 || scheme.equals("https") && listener.port() == 443;
        return scheme + "://" + dns + (usual ? "" : ":" + listener.port()) + "/";
    }

    private static Colour colour(KilnConfig.Colour colour) {
        return new Colour(colour.name(), colour.group(), colour.targetGroupArn());
    }

    private static Map<String, Object> template(PlanRequest request, Role role, Image image, String version, Group idle) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("LaunchTemplateId", idle.launchTemplateId());
        template.put("SourceVersion", idle.launchTemplateVersion());
        template.put("VersionDescription", "Kiln blue-green: " + role.name() + " " + described(image.imageId(), version));
        template.put("LaunchTemplateData", Map.of("ImageId", image.imageId()));
        // a retried request makes no second version (at most 64 characters)
        template.put("ClientToken", "kiln-" + Hashes.sha256Hex(request.executionArn()).substring(0, 40));
        return template;
    }

    private static Preview preview(String role, BlueGreen blueGreen, KilnConfig.Colour idle, Optional<Rule> existing) {
        List<Map<String, Object>> conditions = List.of(Map.of("Field", "source-ip",
                "SourceIpConfig", Map.of("Values", blueGreen.previewCidrs())));
        List<Map<String, Object>> actions = List.of(forward(idle.targetGroupArn()));
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("ListenerArn", blueGreen.listenerArn());
        create.put("Priority", PREVIEW_PRIORITY);
        create.put("Conditions", conditions);
        create.put("Actions", actions);
        create.put("Tags", List.of(Map.of("Key", ROLE_TAG, "Value", role), Map.of("Key", PURPOSE_TAG, "Value", PREVIEW)));
        Map<String, Object> modify = existing.map(rule -> {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("RuleArn", rule.arn());
            request.put("Conditions", conditions);
            request.put("Actions", actions);
            return request;
        }).orElse(null);
        return new Preview(existing.map(Rule::arn).orElse(null), create, modify);
    }

    static List<Step> steps(BlueGreen blueGreen, KilnConfig.Colour live, KilnConfig.Colour idle) {
        List<Step> steps = new ArrayList<>();
        for (int percent : blueGreen.switchSteps()) {
            boolean last = percent == 100;
            List<Map<String, Object>> actions = last ? List.of(forward(idle.targetGroupArn()))
                    : List.of(Map.of("Type", "forward", "ForwardConfig", Map.of("TargetGroups", List.of(
                            Map.of("TargetGroupArn", idle.targetGroupArn(), "Weight", percent),
                            Map.of("TargetGroupArn", live.targetGroupArn(), "Weight", 100 - percent)))));
            steps.add(new Step(percent, actions, last ? 0 : blueGreen.stepPauseMinutes() * 60, last));
        }
        return steps;
    }

    private static Map<String, Object> forward(String targetGroupArn) {
        return Map.of("Type", "forward", "TargetGroupArn", targetGroupArn);
    }

    private static Smoke smoke(BlueGreen blueGreen, String logPrefix) {
        if (blueGreen.smokeChecks().isEmpty()) {
            return null;
        }
        List<String> lines = new ArrayList<>(List.of("set -e"));
        lines.addAll(blueGreen.smokeChecks());
        return new Smoke(Map.of("commands", lines, "executionTimeout", List.of(String.valueOf(blueGreen.smokeTimeoutSeconds()))),
                logPrefix + "smoke", "Kiln.SmokeChecksFailed");
    }
}
