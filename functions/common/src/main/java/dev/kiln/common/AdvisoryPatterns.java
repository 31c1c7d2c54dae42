package dev.kiln.common;

import java.util.regex.Pattern;

/**
 * What Amazon Linux security advisories are made of, as Kiln accepts them wherever they reach a
 * command line or a record: the feed, patch, the bake's plan and its commands. (The ALAS feed writes
 * ids more loosely; advisory-feed reads those on its own and announces these.)
 */
public final class AdvisoryPatterns {

    /**
     * An advisory id, as the ALAS feeds, pages and dnf/yum write them: {@code ALAS-2018-939} (Amazon Linux 1,
     * and the older AL2 and AL2023 feed ids), {@code ALAS2-2024-2501}, {@code ALAS2023-2025-1196}, and the
     * topics of AL2's extras and live patches, older and newer form: {@code ALASKERNEL-5.10-2024-072},
     * {@code ALAS2KERNEL-5.10-2024-072}, {@code ALAS2LIVEPATCH-2025-264}, {@code ALASJAVA-OPENJDK11-2025-012},
     * {@code ALAS2PYTHON3.8-2025-018}, {@code ALAS2023LIVEPATCH-2026-287}. Letters, digits, dots and dashes only:
     * it reaches a command line. No capturing groups: other patterns embed it.
     */
    public static final Pattern ID = Pattern.compile(
            "ALAS(?:2|2022|2023)?(?:[A-Z][A-Z0-9.]{0,30}(?:-[A-Z0-9][A-Z0-9.]{0,30}){0,3})?-[0-9]{4}-[0-9]{1,6}");
    /** The Amazon Linux 2023 release that carries a fix ({@code dnf --releasever}). */
    public static final Pattern RELEASEVER = Pattern.compile("2023\\.[0-9]+\\.[0-9]{8}");
    /** A package name as advisories and rpm write it. */
    public static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    public static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,7}");

    private AdvisoryPatterns() {
    }
}
