package dev.kiln.bakeplan;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.bakeplan.errors.UnknownRoleException;
import dev.kiln.common.AdvisoryPatterns;
import dev.kiln.common.Hashes;
import dev.kiln.common.Json;
import dev.kiln.common.bake.BakeLedger;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfig.AmazonLinux;
import dev.kiln.common.config.KilnConfig.BuilderSettings;
import dev.kiln.common.config.KilnConfig.ParentRole;
import dev.kiln.common.config.KilnConfig.Role;
import dev.kiln.common.release.InstanceCommands;
import dev.kiln.common.release.Release;
import dev.kiln.common.release.ReleaseSource;
import dev.kiln.common.workflow.Poll;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks a bake's input, claims the bake and plans it. */
public final class BakePlanService {

    private static final Logger LOG = LoggerFactory.getLogger(BakePlanService.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private static final int STOP_TIMEOUT_SECONDS = 600;
    /** As many as a bake's input may name (bake.input.schema.json). */
    private static final int MAX_ADVISORIES = 50;
    private static final int TAG_VALUE_LIMIT = 256;
    /** Advisory entries (ALAS2023-2025-1196|2023.9.20251105), newest first: by year, then number, then id. */
    static final Comparator<String> NEWEST_FIRST = Comparator.comparingInt((String entry) -> idNumber(entry, 2))
            .thenComparingInt(entry -> idNumber(entry, 1)).thenComparing(Comparator.naturalOrder()).reversed();
    private static final InstanceCommands INSTANCE = new InstanceCommands(InstanceCommands.Paths.DEFAULT);

    private final BakeInputReader reader = new BakeInputReader();
    private final ConfigSource configs;
    private final BakeLedger ledger;
    private final BakeLedger.ExecutionStatus executions;
    private final ReleaseSource releases;
    private final OpenAdvisories open;
    private final Config settings;

    public BakePlanService(ConfigSource configs, BakeLedger ledger, BakeLedger.ExecutionStatus executions,
                           ReleaseSource releases, OpenAdvisories open, Config settings) {
        this.configs = configs;
        this.ledger = ledger;
        this.executions = executions;
        this.releases = releases;
        this.open = open;
        this.settings = settings;
    }

    public Plan plan(JsonNode input, String executionArn, Instant startedAt) {
        BakeInput bake = reader.read(input);
        KilnConfig config = configs.current();
        Role role = config.role(bake.role()).orElseThrow(() -> new UnknownRoleException("there is no role '" + bake.role()
                + "' in the Kiln configuration; its roles are " + config.roles().stream().map(Role::name).toList()));
        AmazonLinux os = config.baseOf(role.name());
        checkAdvisories(os, bake.advisories());
        Optional<Release> release = releases.current(role.name());

        // a forced bake is its own variant: it never counts as a repeat of an earlier bake, nor one as a repeat of it
        String bakeKey = role.name() + "#" + bake.sha() + "#" + bake.variant() + (bake.force() ? "+forced=" + startedAt : "");
        Optional<BakeLedger.Entry> holder = ledger.claim(new BakeLedger.Entry(bakeKey, executionArn,
                BakeLedger.Status.RUNNING, role.name(), bake.sha(), startedAt, Optional.empty()), executions);
        if (holder.isPresent()) {
            LOG.info("Bake already held by another execution; nothing to do", entry("bakeKey", bakeKey),
                    entry("heldBy", holder.get().executionArn()), entry("status", holder.get().status()));
            return Plan.duplicateOf(holder.get().executionArn(), bakeKey, role.name(), bake.sha());
        }

        // every open advisory of the role rides along, newest first (not part of the bake's key)
        List<String> carried = new ArrayList<>();
        List<BakeInput.Advisory> advisories = new ArrayList<>(bake.advisories());
        List<String> left = new ArrayList<>();
        for (String entry : open.of(role.name()).stream().sorted(NEWEST_FIRST).toList()) {
            Optional<BakeInput.Advisory> advisory = openAdvisory(os, entry);
            if (advisory.isEmpty() || advisories.stream().anyMatch(a -> a.id().equals(advisory.get().id()))) {
                continue;
            }
            if (advisories.size() < MAX_ADVISORIES) {
                advisories.add(advisory.get());
                carried.add(entry);
            } else {
                left.add(entry);
            }
        }
        if (!carried.isEmpty()) {
            LOG.info("The role's open advisories are applied by this bake", entry("role", role.name()), entry("advisories", carried));
        }
        if (!left.isEmpty()) {
            LOG.warn("The role has more open advisories than one bake applies; the oldest are left out (newer packages"
                    + " usually carry their fixes too)", entry("role", role.name()), entry("max", MAX_ADVISORIES), entry("leftOut", left));
        }

        String shortSha = bake.sha().substring(0, 7);
        String stamp = STAMP.format(startedAt);
        // two bakes of one role and commit may start in the same second (two advisories at once): the
        // execution's own part keeps their builders, images and logs apart
        String buildId = role.name() + "-" + shortSha + "-" + stamp.toLowerCase() + "-" + executionPart(executionArn);
        BuilderSettings builder = role.builder();
        String bundleKey = "bundles/" + bake.sha() + ".tar.gz";
        String bundleUri = "s3://" + settings.artifactsBucket() + "/" + bundleKey;
        String logPrefix = "logs/" + role.name() + "/" + buildId + "/";
        String advisoryIds = tagValue(advisories.stream().map(BakeInput.Advisory::id).toList());

        List<Plan.Tag> builderTags = buildTags("kiln-builder-" + role.name(), buildId, role.name(), bake.sha(), executionArn);
        List<Plan.Tag> testerTags = buildTags("kiln-tester-" + role.name(), buildId, role.name(), bake.sha(), executionArn);
        List<Plan.Tag> imageTags = new ArrayList<>(List.of(
                new Plan.Tag("Name", "kiln-" + role.name()),
                new Plan.Tag("kiln:build-id", buildId),
                new Plan.Tag("kiln:role", role.name()),
                new Plan.Tag("kiln:commit", bake.sha()),
                new Plan.Tag("kiln:reason", bake.reason()),
                new Plan.Tag("kiln:advisories", advisoryIds.isEmpty() ? "none" : advisoryIds),
                new Plan.Tag("kiln:execution", executionArn)));
        release.ifPresent(r -> imageTags.add(new Plan.Tag("kiln:release", r.version())));

        Plan.ParentImage parent = role.parent() instanceof ParentRole p
                ? new Plan.ParentImage(settings.imagePointerPrefix() + p.role(), "role", p.role(),
                        "the newest image of role " + p.role())
                : new Plan.ParentImage(os.imageParameter(), "amazon-linux", null,
                        "the newest Amazon Linux " + os.version() + " image (" + os.architecture() + ")");

        String timeout = String.valueOf(builder.commandTimeoutMinutes() * 60);
        Plan plan = new Plan(false, null, bakeKey, buildId, role.name(), bake.sha(), bake.ref().orElse(null),
                bake.reason(), bake.pushedAt().orElse(startedAt).toString(), bake.keepOnFailure(),
                builder.keepOnFailureHours(), advisories, carried,
                parent,
                new Plan.Bundle(settings.artifactsBucket(), bundleKey, bundleUri),
                new Plan.Builder(
                        builder.spotInstanceType(),
                        builder.onDemandInstanceType(),
                        builder.subnetIds().get(Math.floorMod(buildId.hashCode(), builder.subnetIds().size())),
                        List.of(settings.builderSecurityGroupId()),
                        settings.builderInstanceProfileArn(),
                        List.of(new Plan.BlockDevice("/dev/xvda", new Plan.Ebs(builder.volumeSizeGiB(), "gp3", true, true))),
                        List.of(new Plan.TagSpecification("instance", builderTags),
                                new Plan.TagSpecification("volume", builderTags)),
                        List.of(new Plan.TagSpecification("instance", testerTags),
                                new Plan.TagSpecification("volume", testerTags))),
                new Plan.Commands(
                        command("provision", provision(os, bundleUri, role.playbook(), advisories, release),
                                timeout, logPrefix, "Kiln.ProvisioningFailed"),
                        command("tests", BakeCommands.tests(os, bundleUri, role.tests(), advisories), timeout, logPrefix, "Kiln.ServerTestsFailed"),
                        command("record", BakeCommands.record(manifest(config, bake, buildId, release)), timeout, logPrefix,
                                "Kiln.RecordFailed")),
                new Plan.Logs(settings.artifactsBucket(), logPrefix, "s3://" + settings.artifactsBucket() + "/" + logPrefix),
                polls(builder),
                new Plan.Image("kiln-" + buildId,
                        "Kiln " + role.name() + " image of " + config.repository().fullName() + "@" + shortSha
                                + " (" + bake.reason() + ")",
                        // snapshots are tagged as they are made: cleanup, the reaper and retention may
                        // delete only snapshots that carry a kiln:build-id
                        List.of(new Plan.TagSpecification("image", imageTags),
                                new Plan.TagSpecification("snapshot", imageTags))),
                settings.imagePointerPrefix() + role.name(),
                settings.eventBus());
        LOG.info("Bake planned", entry("bakeKey", bakeKey), entry("buildId", buildId), entry("parent", parent.parameter()));
        return plan;
    }

    /** The tags of what a bake launches: cleanup, the reaper and SendCommand's permission go by them. */
    private static List<Plan.Tag> buildTags(String name, String buildId, String role, String sha, String executionArn) {
        return List.of(
                new Plan.Tag("Name", name),
                new Plan.Tag("kiln:build-id", buildId),
                new Plan.Tag("kiln:role", role),
                new Plan.Tag("kiln:commit", sha),
                new Plan.Tag("kiln:execution", executionArn));
    }

    /** The {@code fromEnd}-th number from the end of an entry's id (1: its number, 2: its year), or 0. */
    private static int idNumber(String entry, int fromEnd) {
        String[] parts = entry.split("\\|", 2)[0].split("-");
        try {
            return Integer.parseInt(parts[parts.length - fromEnd]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * The advisories' ids for the kiln:advisories tag, which holds 256 characters: as many as fit, then how
     * many more (the image record and the manifest have them all).
     */
    static String tagValue(List<String> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            String more = " +" + (ids.size() - i) + " more";
            String next = (value.isEmpty() ? "" : ",") + ids.get(i);
            boolean last = i == ids.size() - 1;
            if (value.length() + next.length() + (last ? 0 : more.length() + 1) > TAG_VALUE_LIMIT) {
                return value + more;
            }
            value.append(next);
        }
        return value.toString();
    }

    /** Eight hex digits of the execution's ARN: unique enough between bakes of one role and commit in one second. */
    static String executionPart(String executionArn) {
        return Hashes.sha256Hex(executionArn).substring(0, 8);
    }

    /** An open advisory for this role's release, or none when the entry is not one (it is then left alone). */
    static Optional<BakeInput.Advisory> openAdvisory(AmazonLinux os, String entry) {
        String[] parts = entry.split("\\|", -1);
        if (parts.length > 2 || !AdvisoryPatterns.ID.matcher(parts[0]).matches()
                || (parts.length == 2 && !AdvisoryPatterns.RELEASEVER.matcher(parts[1]).matches())) {
            LOG.warn("An open advisory entry is not one; left alone", entry("entry", entry));
            return Optional.empty();
        }
        BakeInput.Advisory advisory = new BakeInput.Advisory(parts[0], parts.length == 2 ? parts[1] : null);
        try {
            checkAdvisories(os, List.of(advisory));
            return Optional.of(advisory);
        } catch (InvalidBakeInputException e) {
            LOG.warn("An open advisory does not fit this role; left alone", entry("entry", entry), entry("why", e.getMessage()));
            return Optional.empty();
        }
    }

    private static void checkAdvisories(AmazonLinux os, List<BakeInput.Advisory> advisories) {
        for (BakeInput.Advisory advisory : advisories) {
            boolean al2023Advisory = advisory.id().startsWith("ALAS2023");
            if ("2023".equals(os.version()) != al2023Advisory) {
                throw new InvalidBakeInputException("advisory " + advisory.id() + " is not for Amazon Linux "
                        + os.version() + ", which this role is built on");
            }
            if (al2023Advisory && advisory.releasever() == null) {
                throw new InvalidBakeInputException("advisory " + advisory.id() + " needs the releasever that carries"
                        + " its fix: Amazon Linux 2023 images only see fixes in newer releases");
            }
            if (!al2023Advisory && advisory.releasever() != null) {
                throw new InvalidBakeInputException("advisory " + advisory.id() + " is for Amazon Linux 2, which has no releasever");
            }
        }
    }

    // the role's current release goes into the image (installed, not started: no env file, no secret)
    private static List<String> provision(AmazonLinux os, String bundleUri, String playbook,
                                          List<BakeInput.Advisory> advisories, Optional<Release> release) {
        List<String> lines = new ArrayList<>(BakeCommands.provision(os, bundleUri, playbook, advisories));
        release.ifPresent(r -> lines.addAll(INSTANCE.install(r, InstanceCommands.Phase.BAKE)));
        return lines;
    }

    private static String manifest(KilnConfig config, BakeInput bake, String buildId, Optional<Release> release) {
        ObjectNode manifest = Json.MAPPER.createObjectNode()
                .put("role", bake.role())
                .put("repository", config.repository().fullName())
                .put("commit", bake.sha())
                .put("ref", bake.ref().orElse(null))
                .put("buildId", buildId)
                .put("reason", bake.reason())
                .put("parentImageId", "@PARENT_IMAGE@")
                .put("builtAt", "@BUILT_AT@");
        bake.advisories().forEach(a -> manifest.withArray("advisories").add(a.id()));
        release.ifPresent(r -> manifest.putObject("release").put("version", r.version()).put("sha256", r.sha256())
                .put("artifact", r.artifact()));
        return manifest.toPrettyString();
    }

    private static Plan.Command command(String step, List<String> lines, String timeout, String logPrefix, String failure) {
        return new Plan.Command(step, Map.of("commands", lines, "executionTimeout", List.of(timeout)),
                logPrefix + step, failure);
    }

    /** How a bake with these builder settings waits: every pollSeconds, or less often when a timeout outgrows its budget. */
    public static Plan.Polls polls(KilnConfig.BuilderSettings builder) {
        int shortest = builder.pollSeconds();
        return new Plan.Polls(
                Poll.covering(builder.ssmTimeoutMinutes() * 60, shortest, Plan.Polls.MAX_CHECKS),
                Poll.covering(builder.commandTimeoutMinutes() * 60, shortest, Plan.Polls.MAX_CHECKS),
                Poll.covering(STOP_TIMEOUT_SECONDS, shortest, Plan.Polls.MAX_CHECKS),
                Poll.covering(builder.imageTimeoutMinutes() * 60, shortest, Plan.Polls.MAX_CHECKS));
    }
}
