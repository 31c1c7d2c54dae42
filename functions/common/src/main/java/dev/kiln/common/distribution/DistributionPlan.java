package dev.kiln.common.distribution;

import dev.kiln.common.config.KilnConfig.Distribution;
import dev.kiln.common.config.KilnConfig.DistributionTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What distributing one role's published image means for the hub, the account and region that bake it
 * (docs/distribution.md): the targets the configuration names for the role, one copy in each of their regions
 * (encrypted with that region's key), whom each copy is shared with, and whether the hub's own account launches
 * it there (then the hub's pointer in that region names the copy).
 */
public final class DistributionPlan {

    private final String role;
    private final List<Target> targets;
    private final Map<String, Copy> copies;

    private DistributionPlan(String role, List<Target> targets, Map<String, Copy> copies) {
        this.role = role;
        this.targets = List.copyOf(targets);
        this.copies = copies;
    }

    /** One place the image goes: a region and who launches it there, an account or an organizational unit. */
    public record Target(String region, String principal) {

        public boolean organizationalUnit() {
            return principal.startsWith("arn:");
        }
    }

    /**
     * The image's copy in one region, encrypted with the region's key (the account's default key when none is
     * configured, which only the hub's own account may use), shared with the accounts and units that launch it there.
     *
     * @param forHub whether the hub's own account launches it there
     */
    public record Copy(String region, Optional<String> kmsKeyAlias, List<String> sharedWith, boolean forHub) {

        public Copy {
            sharedWith = List.copyOf(sharedWith);
        }
    }

    /** The role's targets and copies; the hub's own account in its own region is where the image already is. */
    public static DistributionPlan of(Distribution distribution, String role, String hubAccount, String hubRegion) {
        TreeSet<Target> targets = new TreeSet<>(Comparator.comparing(Target::region).thenComparing(Target::principal));
        for (DistributionTarget entry : distribution.targets()) {
            if (!entry.covers(role)) {
                continue;
            }
            List<String> principals = new ArrayList<>(entry.accounts());
            principals.addAll(entry.organizationalUnits());
            if (principals.isEmpty()) {
                principals.add(hubAccount);
            }
            for (String region : entry.regions()) {
                for (String principal : principals) {
                    if (!(region.equals(hubRegion) && principal.equals(hubAccount))) {
                        targets.add(new Target(region, principal));
                    }
                }
            }
        }
        Map<String, Copy> copies = new LinkedHashMap<>();
        for (Target target : targets) {
            copies.computeIfAbsent(target.region(), region -> new Copy(region,
                    Optional.ofNullable(distribution.kmsKeys().get(region)), targets.stream()
                            .filter(t -> t.region().equals(region) && !t.principal().equals(hubAccount))
                            .map(Target::principal).toList(),
                    targets.contains(new Target(region, hubAccount))));
        }
        return new DistributionPlan(role, new ArrayList<>(targets), copies);
    }

    public String role() {
        return role;
    }

    public List<Target> targets() {
        return targets;
    }

    public List<Copy> copies() {
        return List.copyOf(copies.values());
    }
}
