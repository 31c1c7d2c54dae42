package dev.kiln.common.config;

import dev.kiln.common.workflow.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Kiln deployment's configuration (README, Configuration): the repository it watches, the roles it
 * bakes, how builders are launched, how many images to keep and who hears about failures. Read and
 * validated by {@link KilnConfigReader}; stored for the functions as the SSM parameter
 * {@code /<deployment>/config}.
 */
public record KilnConfig(
        Repository repository,
        BuilderSettings builder,
        List<Role> roles,
        Retention retention,
        Notifications notifications,
        Advisories advisories,
        Rotation rotation,
        Rebuild rebuild,
        Concurrency concurrency,
        LaunchFailures launchFailures,
        Distribution distribution) {

    /**
     * The most roles one configuration may have: push, patch and the advisory queue handle every role
     * in one execution, whose history (25,000 events) must hold them.
     */
    public static final int MAX_ROLES = 100;

    public KilnConfig {
        roles = List.copyOf(roles);
    }

    /** The GitHub repository and branch whose pushes bake images. */
    public record Repository(String owner, String name, String branch, String apiUrl) {

        public String fullName() {
            return owner + "/" + name;
        }
    }

    /**
     * How builder instances are launched and how long each bake step may take.
     *
     * @param instanceTypes the builder's instance type, tried as spot first; a second type, if given,
     *                      is the one launched on demand when there is no spot capacity
     * @param pollSeconds   how often a bake asks whether the builder, a command or the image is ready
     */
    public record BuilderSettings(
            String vpcId,
            List<String> subnetIds,
            List<String> instanceTypes,
            int volumeSizeGiB,
            int ssmTimeoutMinutes,
            int commandTimeoutMinutes,
            int imageTimeoutMinutes,
            int keepOnFailureHours,
            int pollSeconds) {

        public BuilderSettings {
            subnetIds = List.copyOf(subnetIds);
            instanceTypes = List.copyOf(instanceTypes);
        }

        public String spotInstanceType() {
            return instanceTypes.get(0);
        }

        public String onDemandInstanceType() {
            return instanceTypes.get(instanceTypes.size() - 1);
        }
    }

    /**
     * A kind of server, baked into its own image on top of its parent.
     *
     * @param playbook the Ansible playbook, relative to the repository root
     * @param tests    the server tests: a command, relative to the repository root, that exits non-zero on failure
     * @param watch    globs of repository paths whose change re-bakes this role
     * @param deploy   how the role's release is started and checked on a launching instance
     * @param drain    what a terminating instance of the role does before it goes
     * @param blueGreen how the role is released with a preview and an approval; null when it is not
     */
    public record Role(String name, Parent parent, String playbook, String tests, List<String> watch,
                       BuilderSettings builder, Deploy deploy, Drain drain, BlueGreen blueGreen) {

        public Role {
            watch = List.copyOf(watch);
        }
    }

    /**
     * A role released blue/green (the blue-green workflow): two Auto Scaling groups, each registered with its
     * own target group, behind one Application Load Balancer listener whose default action forwards to the
     * live one. A release goes to the idle colour, is previewed from {@code previewCidrs} through a listener
     * rule, approved by a person, and switched to.
     *
     * @param readyTimeoutMinutes  how long the idle colour may take to have every instance launched, deployed and healthy
     * @param previewCidrs         the addresses (e.g. the office's) whose requests see the idle colour while it waits for approval
     * @param smokeChecks          shell commands run on every instance of the idle colour before approval is asked;
     *                             each must exit 0
     * @param smokeTimeoutSeconds  how long the smoke checks may take on one instance
     * @param approversTopicArn    the SNS topic the approval request goes to; Kiln's notification topic when null
     * @param approvalTimeoutMinutes how long a release waits for its approval before it is taken down
     * @param switchSteps          the share (percent) of requests the new colour gets at each step of the switch, ending with 100
     * @param stepPauseMinutes     the pause after each step but the last, before {@code alarms} are checked
     * @param alarms               CloudWatch alarms that, in ALARM after a step, switch back
     * @param keepOldMinutes       how long the old colour keeps its instances after the switch, for a rollback
     * @param afterBake            whether a published image of the role starts a release by itself
     */
    public record BlueGreen(String listenerArn, Colour blue, Colour green, int readyTimeoutMinutes, List<String> previewCidrs,
                            List<String> smokeChecks, int smokeTimeoutSeconds, String approversTopicArn,
                            int approvalTimeoutMinutes, List<Integer> switchSteps, int stepPauseMinutes,
                            List<String> alarms, int keepOldMinutes, boolean afterBake) {

        public BlueGreen {
            previewCidrs = List.copyOf(previewCidrs);
            smokeChecks = List.copyOf(smokeChecks);
            switchSteps = List.copyOf(switchSteps);
            alarms = List.copyOf(alarms);
        }

        public List<Colour> colours() {
            return List.of(blue, green);
        }
    }

    /**
     * One colour of a blue/green role.
     *
     * @param name           {@code blue} or {@code green}
     * @param group          its Auto Scaling group
     * @param targetGroupArn the target group its group registers its instances with
     */
    public record Colour(String name, String group, String targetGroupArn) {
    }

    /**
     * Deploying a role's release on a launching instance (the launch workflow).
     *
     * @param service        the systemd unit restarted once the release and its env file are in place; none when null
     * @param healthCheck    what must answer before the instance goes in service; none when null
     * @param timeoutMinutes how long installing the release may take
     */
    public record Deploy(String service, HealthCheck healthCheck, int timeoutMinutes) {
    }

    /** An HTTP URL on the instance itself, asked up to {@code attempts} times, {@code intervalSeconds} apart, until it answers 2xx. */
    public record HealthCheck(String url, int attempts, int intervalSeconds) {
    }

    /**
     * What a terminating instance does before it goes (the drain workflow); it goes anyway after
     * {@code timeoutSeconds}.
     *
     * @param command      stops taking work and waits for in-flight work (e.g. a graceful stop); none when null
     * @param flushCommand returns once buffered logs are shipped (e.g. fluentd's buffer is empty); none when null
     */
    public record Drain(String command, String flushCommand, int timeoutSeconds) {
    }

    /** What a role is baked on: an Amazon Linux release, or another role's newest image. */
    public sealed interface Parent permits AmazonLinux, ParentRole {
    }

    /**
     * @param version      {@code 2023} or {@code 2}
     * @param architecture {@code arm64} or {@code x86_64}
     */
    public record AmazonLinux(String version, String architecture) implements Parent {

        /** The public SSM parameter that names the newest Amazon Linux image. */
        public String imageParameter() {
            return "2023".equals(version)
                    ? "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + architecture
                    : "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-" + architecture + "-gp2";
        }
    }

    public record ParentRole(String role) implements Parent {
    }

    /** Keep the newest {@code keepImages} images per role; {@code dryRun} only reports what it would delete. */
    public record Retention(int keepImages, boolean dryRun) {
    }

    /**
     * Amazon Linux security advisories: where the ALAS site is ({@code siteUrl}), which feeds to read
     * ({@code "2023"}, {@code "2"}, {@code "1"}), how often, which severities patch at once, and whether
     * the first read only records what the feeds already list ({@code baseline}).
     */
    public record Advisories(String siteUrl, List<String> feeds, int everyMinutes, List<String> immediate, boolean baseline) {

        public Advisories {
            feeds = List.copyOf(feeds);
            immediate = List.copyOf(immediate);
        }
    }

    /**
     * Replacing every opted-in group's instances with the newest image (the rotate workflow).
     *
     * @param schedule               an EventBridge Scheduler cron expression, read in {@code timeZone}
     * @param timeZone               an IANA time zone, e.g. {@code Asia/Tokyo}
     * @param enabled                whether the schedule fires (manual and security rotations run regardless)
     * @param maxConcurrency         how many groups are refreshed at once
     * @param maxAgeHours            a group whose instances all run the current image is still refreshed when
     *                               one of them is older than this
     * @param maxHealthyPercentage   none (AWS's default, 100) when null
     * @param alarms                 CloudWatch alarms that fail (and with autoRollback, roll back) a refresh
     * @param deadlineMinutes        how long a refresh is watched before it is reported as not finished
     * @param freezeWindows          times when no group is rotated
     * @param securityHonoursFreeze  whether rotations asked for by a security advisory wait out a freeze too
     */
    public record Rotation(String schedule, String timeZone, boolean enabled, int maxConcurrency, int maxAgeHours,
                           int minHealthyPercentage, Integer maxHealthyPercentage, int instanceWarmupSeconds,
                           boolean autoRollback, List<String> alarms, int pollSeconds, int deadlineMinutes,
                           List<FreezeWindow> freezeWindows, boolean securityHonoursFreeze) {

        /** How long a rotation may run: the rotate state machine's TimeoutSeconds (48 hours). */
        public static final Duration MAX_DURATION = Duration.ofHours(48);
        /** What a rotation spends besides its groups: discovering them, planning, reporting. */
        public static final Duration OVERHEAD = Duration.ofHours(1);
        /**
         * The most one group's execution spends in its calls, besides waiting for its refresh: each call to
         * its last retry (throttling is retried with jittered backoff over minutes), each attempt as long as
         * it may take (StateMachineLimitsTest adds them up from rotate.asl.json).
         */
        public static final Duration GROUP_CALLS = Duration.ofMinutes(90);
        /** The longest deadline a group may have: with its retries and the overhead it fits {@link #MAX_DURATION}. */
        public static final int MAX_DEADLINE_MINUTES = 44 * 60;
        /** Asks about one refresh at most: each group's execution history must hold them. */
        public static final int WATCH_MAX_CHECKS = 1000;

        public Rotation {
            alarms = List.copyOf(alarms);
            freezeWindows = List.copyOf(freezeWindows);
        }

        /** This rotation with another schedule and time zone (a target region's, {@link Distribution#rotation}). */
        public Rotation scheduled(String otherSchedule, String otherTimeZone) {
            return new Rotation(otherSchedule, otherTimeZone, enabled, maxConcurrency, maxAgeHours, minHealthyPercentage,
                    maxHealthyPercentage, instanceWarmupSeconds, autoRollback, alarms, pollSeconds, deadlineMinutes,
                    freezeWindows, securityHonoursFreeze);
        }

        /** How a refresh is watched to its deadline: every pollSeconds, or less often when the deadline is long. */
        public Poll watch() {
            return Poll.covering(deadlineMinutes * 60, pollSeconds, WATCH_MAX_CHECKS);
        }

        /** The longest one group may take: its refresh watched to the deadline, and its calls. */
        public Duration groupWorstCase() {
            Poll watch = watch();
            return Duration.ofSeconds((long) watch.seconds() * watch.checks()).plus(GROUP_CALLS);
        }

        /** The longest rotating {@code groups} groups may take, {@code maxConcurrency} at a time. */
        public Duration worstCase(int groups) {
            return groupWorstCase().multipliedBy(Math.ceilDiv(Math.max(groups, 1), maxConcurrency)).plus(OVERHEAD);
        }

        /** The freeze window {@code at} falls in, if any. */
        public Optional<FreezeWindow> frozenAt(Instant at) {
            return freezeWindows.stream().filter(window -> window.covers(at)).findFirst();
        }
    }

    /**
     * The scheduled bake from nothing: every role built on Amazon Linux is baked again, at the commit of its
     * published image, on the newest upstream Amazon Linux image, and the roles built on them follow. It
     * proves that the configuration still applies from scratch; a failure is reported like any bake's.
     *
     * @param schedule an EventBridge Scheduler expression, read in {@code timeZone}
     * @param enabled  false keeps the schedule but stops it firing
     */
    public record Rebuild(String schedule, String timeZone, boolean enabled) {
    }

    /** From {@code start} (inclusive) to {@code end} (exclusive), nothing is rotated, for {@code reason}. */
    public record FreezeWindow(OffsetDateTime start, OffsetDateTime end, String reason) {

        public boolean covers(Instant at) {
            return !at.isBefore(start.toInstant()) && at.isBefore(end.toInstant());
        }
    }

    /**
     * Concurrency reserved for the functions that must never starve, and that must never take all of it.
     *
     * @param webhook   github-webhook (behind a Function URL that anyone may call): at most this many at once,
     *                  so a flood of requests cannot take the account's concurrency from everything else
     * @param lifecycle lifecycle-plan (every launch and drain): always this many, so a launch is never throttled
     *                  out by other functions (and ABANDONed for it)
     */
    public record Concurrency(int webhook, int lifecycle) {
    }

    /**
     * When a group's launches keep failing (a bad release ABANDONs every instance, and Auto Scaling launches
     * another at once), launch-guard suspends the group's Launch process and says so once; setting another
     * release of the role resumes it.
     *
     * @param suspendAfter  this many launches of a group failed in a row, none succeeding between them; 0 never suspends
     * @param windowMinutes ...within this long of the first of them (an older failure starts the count again)
     */
    public record LaunchFailures(int suspendAfter, int windowMinutes) {

        public boolean suspends() {
            return suspendAfter > 0;
        }
    }

    /**
     * Where a role's published images go besides the account and region that bake them
     * (docs/distribution.md): copies in other regions, shared with other accounts or organizational units.
     *
     * @param kmsKeys per region, the alias of the key its copies are encrypted with; a region whose copies
     *                are shared with another account must have one (AWS-managed keys cannot be shared)
     */
    public record Distribution(List<DistributionTarget> targets, Map<String, String> kmsKeys,
                               Map<String, RegionRotation> rotations) {

        public static final Distribution NONE = new Distribution(List.of(), Map.of(), Map.of());

        /**
         * The most accounts and units one region's copy is shared with: distribute tells each, and one region's
         * worst case (three copies waited for to the end) must stay within its history's 25,000 events.
         */
        public static final int MAX_PRINCIPALS_PER_REGION = 200;

        public Distribution {
            targets = List.copyOf(targets);
            kmsKeys = Collections.unmodifiableMap(new TreeMap<>(kmsKeys));
            rotations = Collections.unmodifiableMap(new TreeMap<>(rotations));
        }

        /**
         * When the member stacks of {@code region} rotate their groups: the region's schedule and time zone where
         * {@code rotations} sets them, the hub's {@code rotation} block for the rest (and for every other setting).
         */
        public Rotation rotation(String region, Rotation hub) {
            RegionRotation own = rotations.get(region);
            return own == null ? hub : hub.scheduled(Objects.requireNonNullElse(own.schedule(), hub.schedule()),
                    Objects.requireNonNullElse(own.timeZone(), hub.timeZone()));
        }

        public boolean isEmpty() {
            return targets.isEmpty();
        }

        /** Every target region, in name order. */
        public List<String> regions() {
            return targets.stream().flatMap(target -> target.regions().stream()).distinct().sorted().toList();
        }

        /** The regions {@code role}'s images go to, in name order: where its copies are. */
        public List<String> regions(String role) {
            return targets.stream().filter(target -> target.covers(role)).flatMap(target -> target.regions().stream())
                    .distinct().sorted().toList();
        }

        /** The accounts listed to launch {@code role}'s images in {@code region}: each has a member stack there. */
        public List<String> accounts(String role, String region) {
            return targets.stream().filter(target -> target.covers(role) && target.regions().contains(region))
                    .flatMap(target -> target.accounts().stream()).distinct().sorted().toList();
        }
    }

    /**
     * A target region's own rotation schedule, for the member stacks there (the groups of Seoul rotate at Seoul's
     * night); either may be absent, for the hub's.
     *
     * @param schedule an EventBridge Scheduler expression, or null
     * @param timeZone an IANA time zone, or null
     */
    public record RegionRotation(String schedule, String timeZone) {
    }

    /**
     * Regions, and who launches the role's images there: the listed accounts and organizational units, or
     * the hub's own account when neither is given.
     *
     * @param roles the roles whose images go there; empty: every role
     */
    public record DistributionTarget(List<String> regions, List<String> accounts, List<String> organizationalUnits,
                                     List<String> roles) {

        public DistributionTarget {
            regions = List.copyOf(regions);
            accounts = List.copyOf(accounts);
            organizationalUnits = List.copyOf(organizationalUnits);
            roles = List.copyOf(roles);
        }

        public boolean covers(String role) {
            return roles.isEmpty() || roles.contains(role);
        }
    }

    public record Notifications(List<String> emails) {

        public Notifications {
            emails = List.copyOf(emails);
        }
    }

    public Optional<Role> role(String name) {
        return roles.stream().filter(role -> role.name().equals(name)).findFirst();
    }

    /** The roles baked directly on top of {@code name}. */
    public List<Role> children(String name) {
        return roles.stream()
                .filter(role -> role.parent() instanceof ParentRole parent && parent.role().equals(name))
                .toList();
    }

    /** The roles {@code name} is built on, its parent first. */
    public List<String> ancestors(String name) {
        List<String> ancestors = new ArrayList<>();
        Role role = role(name).orElseThrow(() -> new IllegalArgumentException("no role " + name));
        while (role.parent() instanceof ParentRole parent) {
            if (ancestors.contains(parent.role())) {
                throw new IllegalStateException("roles " + ancestors + " are each other's parents");
            }
            ancestors.add(parent.role());
            role = role(parent.role()).orElseThrow(() -> new IllegalArgumentException("no role " + parent.role()));
        }
        return List.copyOf(ancestors);
    }

    /** The Amazon Linux release at the bottom of {@code name}'s chain of parents. */
    public AmazonLinux baseOf(String name) {
        List<String> seen = new ArrayList<>();
        Role role = role(name).orElseThrow(() -> new IllegalArgumentException("no role " + name));
        while (role.parent() instanceof ParentRole parent) {
            if (seen.contains(role.name())) {
                throw new IllegalStateException("roles " + seen + " are each other's parents");
            }
            seen.add(role.name());
            role = role(parent.role()).orElseThrow(() -> new IllegalArgumentException("no role " + parent.role()));
        }
        return (AmazonLinux) role.parent();
    }
}
