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
 * (encrypted with that region's key) and whom each copy is shared with; then, from what is already done, what
 * to do next: which copies to start or retry, which targets to share and point at their copy, which to give up.
 */
public final class DistributionPlan {

    /** How often a copy, or a target's share and pointer, is tried before it is reported as given up. */
    public static final int MAX_ATTEMPTS = 3;

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
     */
    public record Copy(String region, Optional<String> kmsKeyAlias, List<String> sharedWith) {

        public Copy {
            sharedWith = List.copyOf(sharedWith);
        }
    }

    public enum State { RUNNING, DONE, FAILED }

    /** What is recorded of one copy or one target: how far it got, how often it was tried, its last error. */
    public record Progress(State state, int attempts, String error) {
    }

    /** A copy or a target that failed {@link #MAX_ATTEMPTS} times, with why; the others go on without it. */
    public record GivenUp(String region, Optional<Target> target, String error) {
    }

    /**
     * The next things to do.
     *
     * @param copy    copies to start (first time or again after a failure)
     * @param waiting regions whose copy is still being made
     * @param finish  targets whose copy is available and that still need their share and their pointer
     */
    public record Steps(List<Copy> copy, List<String> waiting, List<Target> finish, List<GivenUp> givenUp) {

        public boolean done() {
            return copy.isEmpty() && waiting.isEmpty() && finish.isEmpty();
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
                            .map(Target::principal).toList()));
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

    /**
     * The next steps, given what is recorded of each copy (by region) and each target; a missing entry has not
     * started. Failed copies and targets are tried again until {@link #MAX_ATTEMPTS}; one that fails no longer
     * holds the others back.
     */
    public Steps next(Map<String, Progress> copyProgress, Map<Target, Progress> targetProgress) {
        List<Copy> copy = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<Target> finish = new ArrayList<>();
        List<GivenUp> givenUp = new ArrayList<>();
        for (Copy regionCopy : copies.values()) {
            String region = regionCopy.region();
            Progress made = copyProgress.get(region);
            List<Target> inRegion = targets.stream().filter(t -> t.region().equals(region)).toList();
            if (made == null || made.state() == State.FAILED && made.attempts() < MAX_ATTEMPTS) {
                copy.add(regionCopy);
            } else if (made.state() == State.RUNNING) {
                waiting.add(region);
            } else if (made.state() == State.FAILED) {
                givenUp.add(new GivenUp(region, Optional.empty(), "the copy to " + region + " failed " + made.attempts()
                        + " times: " + made.error()));
            } else {
                for (Target target : inRegion) {
                    Progress done = targetProgress.get(target);
                    if (done == null || done.state() != State.DONE && done.attempts() < MAX_ATTEMPTS) {
                        finish.add(target);
                    } else if (done.state() != State.DONE) {
                        givenUp.add(new GivenUp(region, Optional.of(target), target.principal() + " in " + region
                                + " failed " + done.attempts() + " times: " + done.error()));
                    }
                }
            }
        }
        return new Steps(copy, waiting, finish, givenUp);
    }
}
