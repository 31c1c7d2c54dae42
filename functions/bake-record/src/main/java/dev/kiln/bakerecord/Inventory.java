package dev.kiln.bakerecord;

import java.util.Map;
import java.util.TreeMap;

/**
 * The packages installed in an image, read from the record command's output: one
 * {@code name<TAB>epoch:version-release<TAB>arch} line per package (see BakeCommands.record).
 *
 * @param packages name to {@code epoch:version-release.arch}
 * @param skipped  lines that were not a package line (e.g. a warning from rpm)
 */
public record Inventory(Map<String, String> packages, int skipped) {

    public static Inventory parse(String output) {
        Map<String, String> packages = new TreeMap<>();
        int skipped = 0;
        for (String line : output.split("\n")) {
            String[] fields = line.strip().split("\t");
            if (fields.length == 3 && !fields[0].isBlank() && fields[1].contains(":")) {
                // a package installed for two architectures (e.g. glibc i686 and x86_64) keeps both
                packages.merge(fields[0], fields[1] + "." + fields[2], (a, b) -> a + " " + b);
            } else if (!line.isBlank()) {
                skipped++;
            }
        }
        return new Inventory(packages, skipped);
    }
}
