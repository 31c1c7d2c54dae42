package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/**
 * Parses a 1,000-item AL2023 feed and prints the time and the memory allocated per item, side by side
 * with a bare pass of the JDK's default (unhardened) StAX reader reading every text of the same bytes, so the ratio
 * shows what the hardening and the item checks cost. Prints figures, asserts none about speed
 * (machines are shared and noisy). Run it with scripts/benchmark; it is not part of scripts/test.
 */
class AlasFeedBenchmark {

    private static final int ITEMS = 1_000;
    private static final int WARMUP = 30;
    private static final int ROUNDS = 50;

    @Test
    void parseAThousandItemFeed() throws Exception {
        byte[] feed = feed();
        assertThat(AlasFeedParser.parse(feed, AmazonLinux.AL2023).items()).hasSize(ITEMS);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        XMLInputFactory bare = XMLInputFactory.newDefaultFactory();

        for (int i = 0; i < WARMUP; i++) {
            AlasFeedParser.parse(feed, AmazonLinux.AL2023);
            scan(bare, feed);
        }
        long kilnNanos = 0;
        long kilnBytes = 0;
        long bareNanos = 0;
        long bareBytes = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            AlasFeedParser.parse(feed, AmazonLinux.AL2023);
            kilnNanos += System.nanoTime() - start;
            kilnBytes += threads.getCurrentThreadAllocatedBytes() - bytes;

            bytes = threads.getCurrentThreadAllocatedBytes();
            start = System.nanoTime();
            scan(bare, feed);
            bareNanos += System.nanoTime() - start;
            bareBytes += threads.getCurrentThreadAllocatedBytes() - bytes;
        }
        double perItemMicros = kilnNanos / 1000.0 / ROUNDS / ITEMS;
        double perItemBytes = (double) kilnBytes / ROUNDS / ITEMS;
        String report = String.format(Locale.ROOT, """
                ALAS feed parsing, %d items (%d KB), mean of %d rounds after %d warm-up rounds:
                  AlasFeedParser (hardened, items checked): %.2f ms per feed, %.2f µs and %.0f bytes allocated per item
                  bare default StAX pass reading every text: %.2f ms per feed, %.2f µs and %.0f bytes allocated per item
                  ratio Kiln / bare: time %.2f, allocation %.2f
                """,
                ITEMS, feed.length / 1024, ROUNDS, WARMUP,
                kilnNanos / 1e6 / ROUNDS, perItemMicros, perItemBytes,
                bareNanos / 1e6 / ROUNDS, bareNanos / 1000.0 / ROUNDS / ITEMS, (double) bareBytes / ROUNDS / ITEMS,
                (double) kilnNanos / bareNanos, (double) kilnBytes / bareBytes);
        System.out.print(report);
    }

    private static int scan(XMLInputFactory factory, byte[] feed) throws Exception {
        XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(feed));
        int length = 0;
        while (reader.hasNext()) {
            if (reader.next() == XMLStreamReader.CHARACTERS) {
                length += reader.getText().length();
            }
        }
        reader.close();
        return length;
    }

    /** A feed shaped like the published AL2023 one, 1,000 advisories with 1 to 5 CVEs each. */
    private static byte[] feed() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            StringBuilder cves = new StringBuilder();
            for (int c = 0; c <= i % 5; c++) {
                cves.append(c == 0 ? "" : ", ").append("CVE-2025-").append(10000 + i * 5 + c);
            }
            String id = "ALAS2023-2025-" + (1000 + i);
            items.append("\n    <item>\n        <title>").append(id).append(" (").append(Severity.values()[i % 4].value())
                    .append("): package-").append(i).append(i % 7 == 0 ? ", package-extra-" + i : "").append("</title>\n")
                    .append("        <description>\n            ").append(cves).append("\n        </description>\n")
                    .append("        <pubDate>Wed, 05 Nov 2025 19:09:00 GMT</pubDate>\n")
                    .append("        <lastBuildDate>Thu, 06 Nov 2025 00:51:00 GMT</lastBuildDate>\n")
                    .append("        <guid>https://alas.aws.amazon.com/AL2023/").append(id).append(".html</guid>\n")
                    .append("        <link>https://alas.aws.amazon.com/AL2023/").append(id).append(".html</link>\n    </item>\n");
        }
        return AlasFeedParserTest.rss(items.toString()).getBytes(StandardCharsets.UTF_8);
    }
}
