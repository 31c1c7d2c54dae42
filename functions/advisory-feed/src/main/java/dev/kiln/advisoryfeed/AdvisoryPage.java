package dev.kiln.advisoryfeed;

import dev.kiln.common.AdvisoryPatterns;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What an advisory's page on the ALAS site adds to the feed: the id package managers know
 * ({@code ALAS2023-2023-126}), the affected packages, and how the page says to fix it, e.g.
 * "Run dnf update device-mapper-multipath --releasever=2023.0.20230308 to update your system." —
 * for AL2023 that {@code --releasever} is the repository version that carries the fix.
 *
 * @param releasever the {@code --releasever} the page names, if any (AL2023 pages do)
 */
public record AdvisoryPage(String id, Optional<Severity> severity, List<String> packages, List<String> cves,
                           String correction, Optional<String> releasever) {

    /** An AL2023 page is ~20 KB; a page ten times larger is not what ALAS serves. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final Pattern SEVERITY = Pattern.compile("\\b(critical|important|medium|low)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern RELEASEVER = Pattern.compile("--releasever[= ]([0-9][0-9.]{0,40}[0-9])");

    public AdvisoryPage {
        packages = List.copyOf(packages);
        cves = List.copyOf(cves);
    }

    public static AdvisoryPage parse(String html, String where) {
        if (html.length() > MAX_BYTES) {
            throw new MalformedFeedException(where + ": the page is " + html.length() + " characters, over the " + MAX_BYTES + " Kiln reads");
        }
        Document page = Jsoup.parse(html);
        String id = Optional.ofNullable(page.selectFirst("h1")).map(Element::text).map(String::strip)
                .filter(t -> AdvisoryPatterns.ID.matcher(t).matches())
                .orElseThrow(() -> new MalformedFeedException(where + ": the page has no advisory id in its heading"));
        Optional<Severity> severity = Optional.ofNullable(page.getElementById("severity"))
                .map(e -> SEVERITY.matcher(e.text())).filter(Matcher::find).flatMap(m -> Severity.of(m.group(1)));
        LinkedHashSet<String> cves = new LinkedHashSet<>();
        Element references = page.getElementById("references");
        if (references != null) {
            Matcher cve = AdvisoryPatterns.CVE.matcher(references.text());
            while (cve.find()) {
                cves.add(cve.group());
            }
        }
        Element affected = page.getElementById("affected_packages");
        List<String> packages = affected == null ? List.of() : affected.select("p").stream()
                .flatMap(p -> Arrays.stream(p.text().split("[,\\s]+")))
                .map(String::strip)
                .filter(p -> AdvisoryPatterns.PACKAGE.matcher(p).matches())
                .distinct()
                .toList();
        if (packages.isEmpty()) {
            throw new MalformedFeedException(where + ": the page names no affected packages");
        }
        String correction = Optional.ofNullable(page.getElementById("issue_correction"))
                .map(e -> e.text().replace("Issue Correction:", "").strip()).orElse("");
        Matcher releasever = RELEASEVER.matcher(correction);
        return new AdvisoryPage(id, severity, packages, List.copyOf(cves), correction,
                releasever.find() ? Optional.of(releasever.group(1)) : Optional.empty());
    }
}
