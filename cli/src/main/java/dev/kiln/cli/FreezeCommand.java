package dev.kiln.cli;

import dev.kiln.common.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln freeze GROUP [--until T]}: tags one of Kiln's groups kiln:freeze (true, or the time it ends), which every
 * rotation honours until the tag is removed or its time passes (docs/rotation.md). An instance refresh already
 * running is not stopped.
 */
@Command(name = "freeze", mixinStandardHelpOptions = true, description = "Hold a group back from rotation, until unfrozen or"
        + " until a time.")
final class FreezeCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,4})([mhd])");

    @ParentCommand
    Kiln kiln;

    @Parameters(paramLabel = "GROUP", description = "an Auto Scaling group tagged kiln:role")
    String group;

    @Option(names = "--until", paramLabel = "T", description = "when the freeze ends: a time with its offset"
            + " (2026-12-24T09:00:00+09:00) or a duration from now (90m, 12h, 3d); default: until kiln unfreeze")
    String until;

    @Override
    public Integer call() {
        Instant now = kiln.context().clock().instant();
        String value = until == null ? "true" : until(until, now);
        Fleet.group(kiln, group);
        kiln.context().cloud().tagGroup(group, Fleet.FREEZE, value);
        Console console = kiln.console();
        if (console.json()) {
            console.result(Json.MAPPER.createObjectNode().put("group", group).put("frozen", value).toString());
        } else {
            console.line("kiln: froze " + group + (until == null ? " until kiln unfreeze " + group : " until " + value)
                    + ": rotations leave it alone (an instance refresh already running goes on)");
        }
        return 0;
    }

    /** The tag's value for --until: a time in the future, with its offset. */
    static String until(String text, Instant now) {
        Matcher duration = DURATION.matcher(text.trim());
        OffsetDateTime until;
        if (duration.matches()) {
            long amount = Long.parseLong(duration.group(1));
            until = now.plus(switch (duration.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            }).atOffset(ZoneOffset.UTC).withNano(0);
        } else {
            try {
                until = OffsetDateTime.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw CliException.badInput("--until " + text + " is neither a time with its offset, such as"
                        + " 2026-12-24T09:00:00+09:00 or 2026-12-24T00:00:00Z, nor a duration such as 90m, 12h or 3d");
            }
        }
        if (!until.toInstant().isAfter(now)) {
            throw CliException.badInput("--until " + text + " has passed: a freeze that ends before it begins holds nothing back");
        }
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(until);
    }
}
