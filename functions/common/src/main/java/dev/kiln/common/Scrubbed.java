package dev.kiln.common;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text from instances (Run Command output carried in an error's cause) made fit for e-mails and events:
 * what looks like a credential is masked, and the text is cut to a bound, keeping its beginning (what
 * failed, where the full output is) and its end (the last lines, where errors are).
 */
public final class Scrubbed {

    static final String MASK = "[scrubbed]";

    // each keeps what names the secret (group 1) and masks what follows; every repetition is bounded, so a
    // long output costs time in proportion to its length
    private static final List<Pattern> SECRETS = List.of(
            // key = value, key: value, "key": "value" for the usual names of secrets
            Pattern.compile("(?i)([\"']?[a-z0-9_.-]{0,40}(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
                    + "|credential)s?[a-z0-9_.-]{0,40}[\"']?\\s{0,5}[:=]\\s{0,5}[\"']?)[^\\s\"',;]{1,1024}"),
            // an Authorization header and bearer tokens
            Pattern.compile("(?i)(authorization:\\s{0,5}(?:bearer|token|basic)?\\s{0,5})[^\\s'\"]{1,4096}"),
            Pattern.compile("(?i)(\\bbearer\\s{1,5})[A-Za-z0-9._~+/=-]{8,4096}"),
            // credentials in a URL: scheme://user:password@host
            Pattern.compile("([a-z][a-z0-9+.-]{0,20}://[^/\\s:@]{1,256}:)[^/\\s@]{1,256}(?=@)"));
    private static final List<Pattern> TOKENS = List.of(
            Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"),                                       // AWS access key ids
            Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255})\\b"), // GitHub tokens
            Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,255}\\b"),                                 // Slack tokens
            Pattern.compile("-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)"));

    private Scrubbed() {
    }

    /** {@code text} with what looks like a secret masked, at most {@code limit} characters (a cut says so). */
    public static String text(String text, int limit) {
        if (text == null) {
            return null;
        }
        return bounded(masked(text), limit);
    }

    static String masked(String text) {
        String result = text;
        for (Pattern token : TOKENS) {
            result = token.matcher(result).replaceAll(Matcher.quoteReplacement(MASK));
        }
        for (Pattern secret : SECRETS) {
            result = secret.matcher(result).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + MASK));
        }
        return result;
    }

    static String bounded(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        String cut = " [... %d characters cut ...] ";
        int keep = limit - cut.length() - 6;
        int head = keep / 4;
        int tail = keep - head;
        return text.substring(0, head) + cut.formatted(text.length() - head - tail) + text.substring(text.length() - tail);
    }
}
