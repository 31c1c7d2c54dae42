package dev.kiln.common.config;

import static dev.kiln.common.distribution.DistributionPatterns.ACCOUNT;
import static dev.kiln.common.distribution.DistributionPatterns.KEY_ALIAS;
import static dev.kiln.common.distribution.DistributionPatterns.ORGANIZATIONAL_UNIT;
import static dev.kiln.common.distribution.DistributionPatterns.REGION;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import dev.kiln.common.config.KilnConfig.RegionRotation;
import dev.kiln.common.config.KilnConfig.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the {@code distribution} block: its targets (region names, 12-digit accounts, organizational unit
 * ARNs, roles of this document), no target given twice, and a customer managed key for every region whose
 * copies are shared with other accounts. Whether the regions are enabled and the keys and member stacks
 * exist is asked of AWS when an image is distributed.
 */
final class DistributionReader extends DocumentReader {

    private static final String HUB = "the hub's own account";

    DistributionReader(List<String> problems) {
        super(problems);
    }

    Distribution distribution(JsonNode node, List<Role> roles) {
        if (node == null) {
            return Distribution.NONE;
        }
        if (!node.isObject()) {
            problems.add("distribution: must be an object with targets and kmsKeys");
            return Distribution.NONE;
        }
        allowOnly(node, "distribution", "targets", "kmsKeys", "rotation");
        JsonNode targetsNode = node.get("targets");
        if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
            problems.add("distribution.targets: must be a non-empty list of {regions, accounts, organizationalUnits, roles}");
            return Distribution.NONE;
        }
        List<DistributionTarget> targets = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < targetsNode.size(); i++) {
            String path = "distribution.targets[" + i + "]";
            DistributionTarget target = target(targetsNode.get(i), path, roles);
            if (target != null) {
                targets.add(target);
                paths.add(path);
            }
        }
        checkNoTargetTwice(targets, paths, roles);
        checkPrincipalsPerRegion(targets, roles);
        Map<String, String> keys = kmsKeys(node.get("kmsKeys"), targets);
        for (int i = 0; i < targets.size(); i++) {
            DistributionTarget target = targets.get(i);
            if (target.accounts().isEmpty() && target.organizationalUnits().isEmpty()) {
                continue;
            }
            for (String region : target.regions()) {
                if (!keys.containsKey(region)) {
                    problems.add(paths.get(i) + ": " + region + " has no key in distribution.kmsKeys: a copy shared with"
                            + " other accounts must be encrypted with a customer managed key (alias/...)");
                }
            }
        }
        return new Distribution(targets, keys, rotations(node.get("rotation"), targets));
    }

    private DistributionTarget target(JsonNode node, String path, List<Role> roles) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": must be an object with regions, and accounts, organizationalUnits or roles");
            return null;
        }
        allowOnly(node, path, "regions", "accounts", "organizationalUnits", "roles");
        List<String> regions = unique(texts(node, path + ".regions", "regions", REGION,
                "region names such as ap-northeast-3"), path + ".regions");
        List<String> accounts = node.has("accounts")
                ? unique(texts(node, path + ".accounts", "accounts", ACCOUNT, "12-digit AWS account ids"), path + ".accounts")
                : List.of();
        List<String> units = node.has("organizationalUnits")
                ? unique(texts(node, path + ".organizationalUnits", "organizationalUnits", ORGANIZATIONAL_UNIT,
                        "organizational unit ARNs (arn:aws:organizations::<management account>:ou/o-.../ou-...)"),
                        path + ".organizationalUnits")
                : List.of();
        List<String> targetRoles = node.has("roles")
                ? unique(texts(node, path + ".roles", "roles", Pattern.compile(".+"), "role names"), path + ".roles")
                : List.of();
        Set<String> known = new LinkedHashSet<>();
        roles.forEach(role -> known.add(role.name()));
        for (String role : targetRoles) {
            if (!known.contains(role)) {
                problems.add(path + ".roles: '" + role + "' is not a role in this document");
            }
        }
        return regions.isEmpty() ? null : new DistributionTarget(regions, accounts, units, targetRoles);
    }

    /** The same role's images going to the same account or unit in the same region from two targets. */
    private void checkNoTargetTwice(List<DistributionTarget> targets, List<String> paths, List<Role> roles) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> reported = new LinkedHashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            DistributionTarget target = targets.get(i);
            List<String> principals = new ArrayList<>(target.accounts());
            principals.addAll(target.organizationalUnits());
            if (principals.isEmpty()) {
                principals.add(HUB);
            }
            for (Role role : roles) {
                if (role.name() == null || !target.covers(role.name())) {
                    continue;
                }
                for (String region : target.regions()) {
                    for (String principal : principals) {
                        Integer first = seen.putIfAbsent(role.name() + " " + region + " " + principal, i);
                        if (first != null && first != i && reported.add(first + " " + i)) {
                            problems.add(paths.get(i) + ": " + role.name() + "'s images already go to " + principal
                                    + " in " + region + " (" + paths.get(first) + "): give each target once");
                        }
                    }
                }
            }
        }
    }

    /** One region's copy of a role's image is shared with at most {@link Distribution#MAX_PRINCIPALS_PER_REGION}. */
    private void checkPrincipalsPerRegion(List<DistributionTarget> targets, List<Role> roles) {
        for (Role role : roles) {
            Map<String, Set<String>> byRegion = new TreeMap<>();
            for (DistributionTarget target : targets) {
                if (role.name() != null && target.covers(role.name())) {
                    target.regions().forEach(region -> {
                        byRegion.computeIfAbsent(region, r -> new LinkedHashSet<>()).addAll(target.accounts());
                        byRegion.get(region).addAll(target.organizationalUnits());
                    });
                }
            }
            byRegion.forEach((region, principals) -> {
                if (principals.size() > Distribution.MAX_PRINCIPALS_PER_REGION) {
                    problems.add("distribution: " + role.name() + "'s images would be shared with " + principals.size()
                            + " accounts and units in " + region + ": at most " + Distribution.MAX_PRINCIPALS_PER_REGION
                            + " (share with an organizational unit instead)");
                }
            });
        }
    }

    private Map<String, String> kmsKeys(JsonNode node, List<DistributionTarget> targets) {
        Map<String, String> keys = new TreeMap<>();
        perTargetRegion(node, "kmsKeys", "key alias, e.g. {\"eu-west-1\": \"alias/kiln-images\"}", targets, (region, path, alias) -> {
            if (!alias.isTextual() || !KEY_ALIAS.matcher(alias.asText()).matches()) {
                problems.add(path + ": must be a key alias such as alias/kiln-images, got " + alias);
            } else if (alias.asText().startsWith("alias/aws/")) {
                problems.add(path + ": " + alias.asText() + " is a key AWS manages, which cannot be shared with other"
                        + " accounts: name a customer managed key");
            } else {
                keys.put(region, alias.asText());
            }
        });
        return keys;
    }

    /** Per target region, the schedule and time zone its member stacks rotate on. */
    private Map<String, RegionRotation> rotations(JsonNode node, List<DistributionTarget> targets) {
        Map<String, RegionRotation> rotations = new TreeMap<>();
        perTargetRegion(node, "rotation", "{schedule, timeZone}, e.g. {\"ap-northeast-2\": {\"timeZone\": \"Asia/Seoul\"}}",
                targets, (region, path, value) -> {
                    if (!value.isObject() || !(value.has("schedule") || value.has("timeZone"))) {
                        problems.add(path + ": must be an object with schedule, timeZone or both, got " + value);
                        return;
                    }
                    allowOnly(value, path, "schedule", "timeZone");
                    rotations.put(region, new RegionRotation(
                            value.has("schedule") ? text(value, path + ".schedule", "schedule", SCHEDULE,
                                    "an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(1 day)") : null,
                            value.has("timeZone") ? timeZone(value, path) : null));
                });
        return rotations;
    }

    /** What one entry of an object keyed by region is read into, once its key is a region some target names. */
    private interface RegionEntry {
        void read(String region, String path, JsonNode value);
    }

    /** Reads {@code distribution.<field>}, an object from region to {@code expected}: each entry of a target region. */
    private void perTargetRegion(JsonNode node, String field, String expected, List<DistributionTarget> targets, RegionEntry entries) {
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            problems.add("distribution." + field + ": must be an object from region to " + expected);
            return;
        }
        Set<String> targetRegions = new LinkedHashSet<>();
        targets.forEach(target -> targetRegions.addAll(target.regions()));
        node.properties().forEach(entry -> {
            String region = entry.getKey();
            String path = "distribution." + field + "." + region;
            if (!REGION.matcher(region).matches()) {
                problems.add(path + ": '" + region + "' is not a region name such as ap-northeast-3");
            } else if (!targetRegions.contains(region)) {
                problems.add(path + ": no target names " + region);
            } else {
                entries.read(region, path, entry.getValue());
            }
        });
    }

    private List<String> unique(List<String> values, String path) {
        Set<String> seen = new LinkedHashSet<>();
        for (String value : values) {
            if (!seen.add(value)) {
                problems.add(path + ": '" + value + "' is given twice");
            }
        }
        return List.copyOf(seen);
    }
}
