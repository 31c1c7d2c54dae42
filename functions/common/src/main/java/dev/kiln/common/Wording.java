package dev.kiln.common;

import java.time.Duration;
import java.util.List;

/** How Kiln's summaries word things for people: lists of names, spans of time, SNS subjects. */
public final class Wording {

    /** The longest SNS subject Kiln sends (SNS takes fewer than 100 characters). */
    public static final int SUBJECT_CHARS = 99;

    private Wording() {
    }

    /** "web", "web and api", "base, web and api". */
    public static String listed(List<String> names) {
        return names.size() <= 1 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** Minutes under two hours, hours under two days, then days; never negative. */
    public static String readable(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        if (minutes < 120) {
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        long hours = duration.toHours();
        return hours < 48 ? hours + " hours" : duration.toDays() + " days";
    }

    /** An SNS subject: printable ASCII (anything else becomes '?'), cut to {@link #SUBJECT_CHARS} with '~'. */
    public static String subject(String text) {
        String plain = text.replaceAll("[^\\x20-\\x7E]", "?");
        return plain.length() <= SUBJECT_CHARS ? plain : plain.substring(0, SUBJECT_CHARS - 1) + "~";
    }
}
