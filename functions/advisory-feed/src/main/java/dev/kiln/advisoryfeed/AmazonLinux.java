package dev.kiln.advisoryfeed;

import java.util.Arrays;
import java.util.Optional;

/** The Amazon Linux releases whose security advisory feeds Kiln reads, by their path on the ALAS site. */
public enum AmazonLinux {
    AL2023("2023", "AL2023/"),
    AL2("2", "AL2/"),
    AL1("1", "");

    private final String version;
    private final String path;

    AmazonLinux(String version, String path) {
        this.version = version;
        this.path = path;
    }

    /** As the configuration and the events name it: {@code 2023}, {@code 2}, {@code 1}. */
    public String version() {
        return version;
    }

    /** The feed below the site's base URL, e.g. {@code AL2023/alas.rss}. */
    public String feedPath() {
        return path + "alas.rss";
    }

    /** An advisory's page below the site's base URL, e.g. {@code AL2023/ALAS-2023-126.html}. */
    public String pagePath(String pageName) {
        return path + pageName;
    }

    /**
     * The id dnf or yum knows for an advisory this release's feed lists. The ALAS site long named
     * advisories without the release (AL2's {@code ALAS-2025-2755} and {@code ALASKERNEL-5.10-2023-025},
     * AL2023's {@code ALAS-2023-126}) while the package managers put it after {@code ALAS}
     * ({@code ALAS2-2025-2755}, {@code ALAS2KERNEL-5.10-2023-025}, {@code ALAS2023-2023-126}); since 2025 the
     * feeds use the package managers' ids. Amazon Linux 1 has one form.
     */
    public String updateinfoId(String feedId) {
        if (this == AL1) {
            return feedId;
        }
        String withRelease = "ALAS" + version;
        String rest = feedId.substring("ALAS".length());
        // already carries the release: ALAS2-…, ALAS2KERNEL-… (AL2); ALAS2023-…, ALAS2023LIVEPATCH-… (AL2023)
        boolean carries = this == AL2 ? rest.startsWith("2") && !rest.startsWith("2022") && !rest.startsWith("2023")
                : feedId.startsWith(withRelease);
        return carries ? feedId : withRelease + rest;
    }

    public static Optional<AmazonLinux> of(String version) {
        return Arrays.stream(values()).filter(a -> a.version.equals(version)).findFirst();
    }
}
