package dev.kiln.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.config.KilnConfig.AmazonLinux;
import dev.kiln.common.config.KilnConfig.BuilderSettings;
import dev.kiln.common.config.KilnConfig.Deploy;
import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.Drain;
import dev.kiln.common.config.KilnConfig.HealthCheck;
import dev.kiln.common.config.KilnConfig.Advisories;
import dev.kiln.common.config.KilnConfig.Notifications;
import dev.kiln.common.config.KilnConfig.Parent;
import dev.kiln.common.config.KilnConfig.ParentRole;
import dev.kiln.common.config.KilnConfig.Rebuild;
import dev.kiln.common.config.KilnConfig.Repository;
import dev.kiln.common.config.KilnConfig.Retention;
import dev.kiln.common.config.KilnConfig.Concurrency;
import dev.kiln.common.config.KilnConfig.LaunchFailures;
import dev.kiln.common.config.KilnConfig.Role;
import dev.kiln.common.config.KilnConfig.FreezeWindow;
import dev.kiln.common.config.KilnConfig.Rotation;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads Kiln's configuration document section by section, checking everything it can without AWS
 * (names, references, cycles, paths, limits); every problem is collected, by its place in the document.
 */
final class ConfigReader extends DocumentReader {

    private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern GITHUB_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    /** GitHub's API (Enterprise too) is https; plain http only to this machine, for a test server. */
    private static final Pattern API_URL = Pattern.compile("https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]{1,5})?(/[^\\s]*)?");
    private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8,17}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
    private static final Pattern AMAZON_LINUX_FEED = Pattern.compile("2023|2|1");
    private static final Pattern SEVERITY = Pattern.compile("critical|important|medium|low");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern RELATIVE_PATH = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_.@+/*-]+");

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9@._:-]{1,128}");
    private static final Pattern HEALTH_URL = Pattern.compile("http://(127\\.0\\.0\\.1|localhost)(:[0-9]{1,5})?(/[A-Za-z0-9._~/?=&%+-]*)?");
    static final Pattern ALARM_NAME = Pattern.compile("[^\\x00-\\x1F]{1,255}");
    private static final Pattern REASON = Pattern.compile("[^\\x00-\\x1F]{1,200}");
    static final Pattern COMMAND = Pattern.compile("[^\\x00]{1,4096}");
    private static final int DEPLOY_TIMEOUT_DEFAULT = 10;
    private static final int DRAIN_TIMEOUT_DEFAULT = 300;

    private final BlueGreenReader blueGreen = new BlueGreenReader(problems);

    static final BuilderSettings BUILDER_DEFAULTS = new BuilderSettings(null, List.of(), List.of(), 16, 10, 60, 240, 4, 15);

    KilnConfig config(JsonNode root) {
        if (!root.isObject()) {
            problems.add("the document must be a JSON object");
            return null;
        }
        allowOnly(root, "", "repository", "builder", "roles", "retention", "notifications", "advisories", "rotation",
                "rebuild", "concurrency", "launchFailures", "distribution");
        Repository repository = repository(object(root, "repository", true));
        BuilderSettings builder = builder(object(root, "builder", true), "builder", BUILDER_DEFAULTS, true);
        List<Role> roles = roles(root.get("roles"), builder);
        Retention retention = retention(object(root, "retention", false));
        Notifications notifications = notifications(object(root, "notifications", false));
        Advisories advisories = advisories(object(root, "advisories", false));
        Rotation rotation = rotation(object(root, "rotation", false));
        Rebuild rebuild = rebuild(object(root, "rebuild", false));
        Concurrency concurrency = concurrency(object(root, "concurrency", false));
        LaunchFailures launchFailures = launchFailures(object(root, "launchFailures", false));
        Distribution distribution = new DistributionReader(problems).distribution(root.get("distribution"), roles);
        return new KilnConfig(repository, builder, roles, retention, notifications, advisories, rotation, rebuild, concurrency,
                launchFailures, distribution);
    }

    private Rebuild rebuild(JsonNode node) {
        allowOnly(node, "rebuild", "schedule", "timeZone", "enabled");
        return new Rebuild(
                optionalText(node, "rebuild.schedule", "schedule", SCHEDULE,
                        "an EventBridge Scheduler expression such as cron(0 2 ? * SUN *) or rate(7 days)", "cron(0 2 ? * SUN *)"),
                timeZone(node, "rebuild"),
                bool(node, "rebuild.enabled", "enabled", true));
    }

    private Concurrency concurrency(JsonNode node) {
        allowOnly(node, "concurrency", "webhook", "lifecycle");
        return new Concurrency(number(node, "concurrency", "webhook", 5, 1, 100),
                number(node, "concurrency", "lifecycle", 20, 1, 1000));
    }

    private LaunchFailures launchFailures(JsonNode node) {
        allowOnly(node, "launchFailures", "suspendAfter", "windowMinutes");
        return new LaunchFailures(number(node, "launchFailures", "suspendAfter", 5, 0, 100),
                number(node, "launchFailures", "windowMinutes", 60, 1, 1440));
    }

    private Repository repository(JsonNode node) {
        allowOnly(node, "repository", "owner", "name", "branch", "apiUrl");
        return new Repository(
                text(node, "repository.owner", "owner", GITHUB_NAME, "a GitHub user or organisation"),
                text(node, "repository.name", "name", GITHUB_NAME, "a GitHub repository name"),
                text(node, "repository.branch", "branch", Pattern.compile("[^\\s~^:?*\\[\\\\]+"), "a branch name"),
                optionalText(node, "repository.apiUrl", "apiUrl", API_URL,
                        "an https URL (plain http only to this machine, for tests)", "https://api.github.com").replaceAll("/+$", ""));
    }

    private BuilderSettings builder(JsonNode node, String path, BuilderSettings defaults, boolean complete) {
        allowOnly(node, path, "vpcId", "subnetIds", "instanceTypes", "volumeSizeGiB", "ssmTimeoutMinutes",
                "commandTimeoutMinutes", "imageTimeoutMinutes", "keepOnFailureHours", "pollSeconds");
        if (!complete && node.has("vpcId")) {
            problems.add(path + ".vpcId: builders of every role run in the top-level builder.vpcId");
        }
        String vpcId = complete ? text(node, path + ".vpcId", "vpcId", VPC, "a VPC id (vpc-...)") : defaults.vpcId();
        List<String> subnets = node.has("subnetIds") || complete
                ? texts(node, path + ".subnetIds", "subnetIds", SUBNET, "subnet ids (subnet-...)") : defaults.subnetIds();
        List<String> types = node.has("instanceTypes") || complete
                ? texts(node, path + ".instanceTypes", "instanceTypes", INSTANCE_TYPE, "instance types (e.g. t4g.large)")
                : defaults.instanceTypes();
        if (types.size() > 2) {
            problems.add(path + ".instanceTypes: give one type, or two: the spot type and the on-demand fallback");
        }
        return new BuilderSettings(vpcId, subnets, types,
                number(node, path, "volumeSizeGiB", defaults.volumeSizeGiB(), 8, 16384),
                number(node, path, "ssmTimeoutMinutes", defaults.ssmTimeoutMinutes(), 1, 60),
                number(node, path, "commandTimeoutMinutes", defaults.commandTimeoutMinutes(), 1, 2880),
                number(node, path, "imageTimeoutMinutes", defaults.imageTimeoutMinutes(), 1, 1440),
                number(node, path, "keepOnFailureHours", defaults.keepOnFailureHours(), 1, 168),
                number(node, path, "pollSeconds", defaults.pollSeconds(), 1, 300));
    }

    private List<Role> roles(JsonNode node, BuilderSettings defaults) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            problems.add("roles: must be a non-empty list of roles");
            return List.of();
        }
        if (node.size() > KilnConfig.MAX_ROLES) {
            problems.add("roles: at most " + KilnConfig.MAX_ROLES + " roles, got " + node.size()
                    + " (a push or an advisory handles every role in one execution, whose history must hold them)");
        }
        List<Role> roles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "roles[" + i + "]";
            JsonNode role = node.get(i);
            if (!role.isObject()) {
                problems.add(path + ": must be an object");
                continue;
            }
            allowOnly(role, path, "name", "parent", "playbook", "tests", "watch", "builder", "deploy", "drain", "blueGreen");
            String name = text(role, path + ".name", "name", ROLE_NAME,
                    "lower-case letters, digits and dashes, starting with a letter (at most 31)");
            if (name != null && !names.add(name)) {
                problems.add(path + ".name: '" + name + "' names two roles");
            }
            String where = name == null ? path : path + " (" + name + ")";
            roles.add(new Role(name,
                    parent(object(role, "parent", true), where + ".parent"),
                    text(role, where + ".playbook", "playbook", RELATIVE_PATH, "a path inside the repository"),
                    text(role, where + ".tests", "tests", RELATIVE_PATH, "a path inside the repository"),
                    texts(role, where + ".watch", "watch", RELATIVE_PATH, "globs of paths inside the repository"),
                    builder(object(role, "builder", false), where + ".builder", defaults, false),
                    deploy(object(role, "deploy", false), where + ".deploy"),
                    drain(object(role, "drain", false), where + ".drain"),
                    role.has("blueGreen") ? blueGreen.blueGreen(role.get("blueGreen"), where + ".blueGreen") : null));
        }
        checkParents(roles);
        blueGreen.checkAcrossRoles(roles);
        return roles;
    }

    private Deploy deploy(JsonNode node, String path) {
        allowOnly(node, path, "service", "healthCheck", "timeoutMinutes");
        String service = node.has("service")
                ? text(node, path + ".service", "service", SERVICE, "a systemd unit name") : null;
        HealthCheck health = null;
        if (node.has("healthCheck")) {
            JsonNode check = object(node, "healthCheck", true);
            allowOnly(check, path + ".healthCheck", "url", "attempts", "intervalSeconds");
            health = new HealthCheck(
                    text(check, path + ".healthCheck.url", "url", HEALTH_URL, "an http URL on the instance itself (http://127.0.0.1 or http://localhost)"),
                    number(check, path + ".healthCheck", "attempts", 20, 1, 100),
                    number(check, path + ".healthCheck", "intervalSeconds", 3, 1, 60));
        }
        return new Deploy(service, health, number(node, path, "timeoutMinutes", DEPLOY_TIMEOUT_DEFAULT, 1, 120));
    }

    private Drain drain(JsonNode node, String path) {
        allowOnly(node, path, "command", "flushCommand", "timeoutSeconds");
        return new Drain(
                node.has("command") ? text(node, path + ".command", "command", COMMAND, "a shell command") : null,
                node.has("flushCommand") ? text(node, path + ".flushCommand", "flushCommand", COMMAND, "a shell command") : null,
                number(node, path, "timeoutSeconds", DRAIN_TIMEOUT_DEFAULT, 10, 3600));
    }

    private Parent parent(JsonNode node, String path) {
        allowOnly(node, path, "amazonLinux", "architecture", "role");
        if (node.has("role") == node.has("amazonLinux")) {
            problems.add(path + ": give either amazonLinux (with architecture) or role");
            return null;
        }
        if (node.has("role")) {
            return new ParentRole(text(node, path + ".role", "role", ROLE_NAME, "a role name"));
        }
        return new AmazonLinux(
                text(node, path + ".amazonLinux", "amazonLinux", Pattern.compile("2023|2"), "2023 or 2"),
                text(node, path + ".architecture", "architecture", Pattern.compile("arm64|x86_64"), "arm64 or x86_64"));
    }

    private void checkParents(List<Role> roles) {
        Map<String, Role> byName = new LinkedHashMap<>();
        roles.stream().filter(r -> r.name() != null).forEach(r -> byName.putIfAbsent(r.name(), r));
        Function<Role, String> parentName = r -> r.parent() instanceof ParentRole p ? p.role() : null;
        for (Role role : byName.values()) {
            String parent = parentName.apply(role);
            if (parent != null && !byName.containsKey(parent)) {
                problems.add("role " + role.name() + ": its parent role '" + parent + "' is not a role in this document");
            }
        }
        for (Role role : byName.values()) {
            List<String> chain = new ArrayList<>(List.of(role.name()));
            for (String next = parentName.apply(role); next != null && byName.containsKey(next);
                 next = parentName.apply(byName.get(next))) {
                if (chain.contains(next)) {
                    if (next.equals(role.name())) {
                        chain.add(next);
                        problems.add("role " + role.name() + ": its parents go round in a circle: "
                                + String.join(" -> ", chain));
                    }
                    break;
                }
                chain.add(next);
            }
        }
    }

    private Retention retention(JsonNode node) {
        allowOnly(node, "retention", "keepImages", "dryRun");
        return new Retention(number(node, "retention", "keepImages", 5, 1, 1000),
                bool(node, "retention.dryRun", "dryRun", false));
    }

    private Advisories advisories(JsonNode node) {
        allowOnly(node, "advisories", "siteUrl", "feeds", "everyMinutes", "immediate", "baseline");
        return new Advisories(
                optionalText(node, "advisories.siteUrl", "siteUrl", API_URL,
                        "an https URL (plain http only to this machine, for tests)", "https://alas.aws.amazon.com").replaceAll("/+$", ""),
                node.has("feeds") ? distinct(texts(node, "advisories.feeds", "feeds", AMAZON_LINUX_FEED, "Amazon Linux versions: \"2023\", \"2\" or \"1\""))
                        : List.of("2023", "2"),
                number(node, "advisories", "everyMinutes", 15, 5, 1440),
                node.has("immediate") ? distinct(texts(node, "advisories.immediate", "immediate", SEVERITY, "severities: critical, important, medium, low"))
                        : List.of("critical", "important"),
                bool(node, "advisories.baseline", "baseline", true));
    }

    private Rotation rotation(JsonNode node) {
        allowOnly(node, "rotation", "schedule", "timeZone", "enabled", "maxConcurrency", "maxAgeHours",
                "minHealthyPercentage", "maxHealthyPercentage", "instanceWarmupSeconds", "autoRollback", "alarms",
                "pollSeconds", "deadlineMinutes", "freezeWindows", "securityHonoursFreeze");
        String timeZone = timeZone(node, "rotation");
        int minHealthy = number(node, "rotation", "minHealthyPercentage", 90, 0, 100);
        Integer maxHealthy = null;
        if (node.has("maxHealthyPercentage")) {
            maxHealthy = number(node, "rotation", "maxHealthyPercentage", 100, 100, 200);
            if (maxHealthy - minHealthy > 100) {
                problems.add("rotation.maxHealthyPercentage: may be at most 100 above minHealthyPercentage ("
                        + minHealthy + "), got " + maxHealthy);
            }
        }
        List<String> alarms = node.has("alarms")
                ? texts(node, "rotation.alarms", "alarms", ALARM_NAME, "CloudWatch alarm names") : List.of();
        if (alarms.size() > 10) {
            problems.add("rotation.alarms: an instance refresh watches at most 10 alarms, got " + alarms.size());
        }
        int pollSeconds = number(node, "rotation", "pollSeconds", 60, 1, 3600);
        int deadlineMinutes = number(node, "rotation", "deadlineMinutes", 240, 1, Rotation.MAX_DEADLINE_MINUTES);
        if (pollSeconds > deadlineMinutes * 60) {
            problems.add("rotation.pollSeconds: " + pollSeconds + " seconds is longer than the deadline ("
                    + deadlineMinutes + " minutes)");
        }
        return new Rotation(
                optionalText(node, "rotation.schedule", "schedule", SCHEDULE,
                        "an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(1 day)", "cron(0 3 * * ? *)"),
                timeZone,
                bool(node, "rotation.enabled", "enabled", true),
                number(node, "rotation", "maxConcurrency", 10, 1, 1000),
                number(node, "rotation", "maxAgeHours", 20, 1, 8760),
                minHealthy, maxHealthy,
                number(node, "rotation", "instanceWarmupSeconds", 300, 0, 3600),
                bool(node, "rotation.autoRollback", "autoRollback", true),
                alarms, pollSeconds, deadlineMinutes,
                freezeWindows(node.get("freezeWindows")),
                bool(node, "rotation.securityHonoursFreeze", "securityHonoursFreeze", true));
    }

    private List<FreezeWindow> freezeWindows(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.add("rotation.freezeWindows: must be a list of {start, end, reason}");
            return List.of();
        }
        List<FreezeWindow> windows = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "rotation.freezeWindows[" + i + "]";
            JsonNode window = node.get(i);
            if (!window.isObject()) {
                problems.add(path + ": must be an object with start, end and reason");
                continue;
            }
            allowOnly(window, path, "start", "end", "reason");
            OffsetDateTime start = dateTime(window, path + ".start", "start");
            OffsetDateTime end = dateTime(window, path + ".end", "end");
            String reason = text(window, path + ".reason", "reason", REASON, "a short reason people read");
            if (start != null && end != null && !end.isAfter(start)) {
                problems.add(path + ": ends (" + end + ") before it starts (" + start + ")");
            } else if (start != null && end != null && reason != null) {
                windows.add(new FreezeWindow(start, end, reason));
            }
        }
        return windows;
    }

    private Notifications notifications(JsonNode node) {
        allowOnly(node, "notifications", "emails");
        return new Notifications(node.has("emails")
                ? texts(node, "notifications.emails", "emails", EMAIL, "email addresses") : List.of());
    }
}
