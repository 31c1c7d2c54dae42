package dev.kiln.bakerecord;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packages installed in an image, read from the record command's output: one
 * {@code name<TAB>epoch:version-release<TAB>arch<TAB>source rpm} line per package (see
 * BakeCommands.record; images recorded before the source column have three).
 *
 * @param packages name to {@code epoch:version-release.arch}
 * @param sources  the source packages they were built from ({@code device-mapper-multipath} for
 *                 {@code kpartx}): what security advisories name
 * @param skipped  lines that were not a package line (e.g. a warning from rpm)
 */
public record Inventory(Map<String, String> packages, Set<String> sources, int skipped) {

    // name-version-release.src.rpm: the name is what is left after the last two dashes
    private static final Pattern SOURCE_RPM = Pattern.compile("(.+)-[^-]+-[^-]+\\.(?:src|nosrc)\\.rpm");

    public static Inventory parse(String output) {
        Map<String, String> packages = new TreeMap<>();
        Set<String> sources = new TreeSet<>();
        int skipped = 0;
        for (String line : output.split("\n")) {
            String[] fields = line.strip().split("\t");
            if ((fields.length == 3 || fields.length == 4) && !fields[0].isBlank() && fields[1].contains(":")) {
                // a package installed for two architectures (e.g. glibc i686 and x86_64) keeps both
                packages.merge(fields[0], fields[1] + "." + fields[2], (a, b) -> a + " " + b);
                if (fields.length == 4) {
                    Matcher source = SOURCE_RPM.matcher(fields[3]);
                    if (source.matches()) {
                        sources.add(source.group(1));
                    }
                }
            } else if (!line.isBlank()) {
                skipped++;
            }
        }
        return new Inventory(packages, sources, skipped);
    }
}
