package dev.kiln.launchguard;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.Scrubbed;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.launch.FailedLaunchLedger;
import dev.kiln.common.launch.FailedLaunches;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a group's failed launches in a row. When a bad release makes every launch fail, Auto Scaling
 * would launch and Kiln ABANDON forever, at the user's cost: after {@code launchFailures.suspendAfter}
 * failures within {@code windowMinutes}, the group's Launch process is suspended and the team hears it
 * once. A failure is counted once however often it is reported; failures of instances launched before a
 * suspension (or before the resume that ended one) are not counted again.
 */
public record LaunchGuardService(ConfigSource configs, FailedLaunchLedger ledger, Ports.Groups groups,
                                 Ports.Topic topic) {

    static final int ATTEMPTS = 5;
    /** The reason of a failure reported again: its instance's ABANDON is already counted. */
    static final String ALREADY_COUNTED = "already counted";
    static final int FAILURE_LIMIT = 600;

    private static final Logger LOG = LoggerFactory.getLogger(LaunchGuardService.class);

    /**
     * What became of one failure: {@code counted} (the run is {@code count} long), {@code suspended} (this
     * failure suspended the group), or {@code ignored} ({@code reason} says why).
     */
    public record Verdict(String outcome, String group, int count, int suspendAfter, String reason, String messageId) {
    }

    public Verdict count(LaunchFailure failure, Instant now) {
        KilnConfig.LaunchFailures limits = configs.current().launchFailures();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<FailedLaunches> stored = ledger.read(failure.group());
            Optional<String> ignored = stored.flatMap(s -> ignored(s, failure));
            if (ignored.isPresent()) {
                LOG.info("Failed launch not counted: {}", ignored.get(), entry("group", failure.group()),
                        entry("execution", failure.executionArn()));
                return new Verdict("ignored", failure.group(), stored.get().count(), limits.suspendAfter(), ignored.get(), null);
            }
            FailedLaunches next = next(stored, failure, limits, now);
            if (next.suspended()) {
                groups.suspendLaunches(failure.group());
            }
            if (!ledger.write(next)) {
                continue;
            }
            if (!next.suspended()) {
                LOG.info("Failed launch counted", entry("group", failure.group()), entry("count", next.count()),
                        entry("suspendAfter", limits.suspendAfter()), entry("execution", failure.executionArn()));
                return new Verdict("counted", failure.group(), next.count(), limits.suspendAfter(), null, null);
            }
            String messageId = topic.publish(subject(failure.group()), message(next, limits));
            LOG.warn("Launch process suspended", entry("group", failure.group()), entry("count", next.count()),
                    entry("role", next.role()), entry("release", next.release()), entry("messageId", messageId));
            return new Verdict("suspended", failure.group(), next.count(), limits.suspendAfter(), null, messageId);
        }
        throw new IllegalStateException("the failed launches of " + failure.group() + " changed under every one of "
                + ATTEMPTS + " attempts to count " + failure.executionArn());
    }

    private static Optional<String> ignored(FailedLaunches stored, LaunchFailure failure) {
        if (stored.executions().contains(failure.executionArn())) {
            return Optional.of(ALREADY_COUNTED);
        }
        if (stored.suspended() && failure.launchedAt().isBefore(stored.suspendedAt())) {
            return Optional.of("the instance was launched before Kiln suspended the group's launches at " + stored.suspendedAt());
        }
        if (!stored.suspended() && stored.countFrom() != null && failure.launchedAt().isBefore(stored.countFrom())) {
            return Optional.of("the instance was launched before the group's launches were resumed at " + stored.countFrom());
        }
        return Optional.empty();
    }

    /**
     * The run after this failure. A run starts again when the last one is older than the window, or when the
     * group was suspended and still launched this instance (someone resumed it by hand).
     */
    private static FailedLaunches next(Optional<FailedLaunches> stored, LaunchFailure failure,
                                       KilnConfig.LaunchFailures limits, Instant now) {
        boolean continues = stored.filter(s -> !s.suspended())
                .filter(s -> !s.since().plus(Duration.ofMinutes(limits.windowMinutes())).isBefore(now))
                .isPresent();
        Set<String> executions = new HashSet<>(continues ? stored.get().executions() : Set.of());
        executions.add(failure.executionArn());
        int count = continues ? stored.get().count() + 1 : 1;
        boolean suspend = limits.suspends() && count >= limits.suspendAfter();
        String role = failure.role() != null ? failure.role() : stored.map(FailedLaunches::role).orElse(null);
        return new FailedLaunches(failure.group(), role, count,
                continues ? stored.get().since() : now,
                stored.map(FailedLaunches::countFrom).orElse(null),
                executions, failure.release(),
                Scrubbed.text(failure.summary(), FAILURE_LIMIT),
                failure.executionArn(),
                suspend ? now : null,
                suspend ? failure.release() : null,
                stored.map(FailedLaunches::version).orElse(0L) + 1);
    }

    // SNS subjects are ASCII without line breaks, under 100 characters
    static String subject(String group) {
        String text = ("Kiln suspended the launches of " + group).replaceAll("[^\\x20-\\x7E]", "?");
        return text.length() <= 99 ? text : text.substring(0, 96) + "...";
    }

    static String message(FailedLaunches run, KilnConfig.LaunchFailures limits) {
        String release = run.release() == null ? "none" : run.release();
        StringBuilder message = new StringBuilder()
                .append("Kiln suspended the Launch process of Auto Scaling group ").append(run.group()).append(": ")
                .append(run.count()).append(" launches in a row failed within ").append(limits.windowMinutes())
                .append(" minutes, and every failed instance was replaced by another that would fail too. The group"
                        + " launches nothing now; its running instances keep serving.\n\n")
                .append(line("Group", run.group()))
                .append(line("Role", run.role() == null ? "not known (the launches failed before Kiln knew it)" : run.role()))
                .append(line("Release", release))
                .append(line("Last failure", run.lastFailure()))
                .append(line("Last launch", run.lastExecution()))
                .append(line("Suspended at", run.suspendedAt().toString()))
                .append("\nWhat to do:\n");
        if (run.role() != null) {
            message.append("- Set a release of ").append(run.role()).append(" other than ").append(release)
                    .append(" (the release function): Kiln resumes the group's launches then.\n");
        }
        message.append("- Or, once the cause is fixed otherwise (the group's tags, its launch template, the role's"
                        + " instance profile), resume it yourself:\n")
                .append("  aws autoscaling resume-processes --auto-scaling-group-name ").append(run.group())
                .append(" --scaling-processes Launch\n");
        return message.toString();
    }

    private static String line(String label, String value) {
        return String.format("%-14s %s%n", label, value);
    }
}
