package dev.kiln.advisoryfeed;

import java.time.Instant;
import java.util.List;

/**
 * One advisory as the feed lists it: {@code <title>ALAS-2023-126 (important): device-mapper-multipath</title>},
 * the CVEs in its description, its page and publication time.
 *
 * @param id        as the feed's title gives it ({@code ALAS2023-2025-1196}, {@code ALAS2-2024-2501}, {@code ALAS-2018-939})
 * @param pageName  the last segment of its link ({@code ALAS-2023-126.html}); Kiln reads pages from its configured site only
 */
public record FeedItem(AmazonLinux feed, String id, Severity severity, List<String> packages, List<String> cves,
                       String link, String pageName, Instant published) {

    public FeedItem {
        packages = List.copyOf(packages);
        cves = List.copyOf(cves);
    }
}
