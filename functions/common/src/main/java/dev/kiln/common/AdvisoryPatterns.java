package dev.kiln.common;

import java.util.regex.Pattern;

/**
 * What Amazon Linux security advisories are made of, as Kiln accepts them wherever they reach a
 * command line or a record: the feed, patch, the bake's plan and its commands. (The ALAS feed writes
 * ids more loosely; advisory-feed reads those on its own and announces these.)
 */
public final class AdvisoryPatterns {

    /** The id dnf and yum know: {@code ALAS2023-2025-1196}, {@code ALAS2-2024-2501}, {@code ALAS-2018-939}. */
    public static final Pattern ID = Pattern.compile("ALAS(2|2023)?-[0-9]{4}-[0-9]{1,6}");
    /** The Amazon Linux 2023 release that carries a fix ({@code dnf --releasever}). */
    public static final Pattern RELEASEVER = Pattern.compile("2023\\.[0-9]+\\.[0-9]{8}");
    /** A package name as advisories and rpm write it. */
    public static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    public static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,7}");

    private AdvisoryPatterns() {
    }
}
