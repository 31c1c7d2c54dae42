package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlasFeedParserTest {

    @Test
    void shouldReadThePublishedAl2023Feed() {
        AlasFeedParser.ParsedFeed feed = AlasFeedParser.parse(Fixtures.bytes("al2023-alas.rss.vunnel-2023_rss.xml"), AmazonLinux.AL2023);

        assertThat(feed.problems()).isEmpty();
        assertThat(feed.items()).containsExactly(new FeedItem(AmazonLinux.AL2023, "ALAS-2023-126", Severity.IMPORTANT,
                List.of("device-mapper-multipath"), List.of("CVE-2022-3787", "CVE-2022-41973", "CVE-2022-41974"),
                "https://alas.aws.amazon.com/AL2023/ALAS-2023-126.html", "ALAS-2023-126.html",
                Instant.parse("2023-03-07T00:29:00Z")));
    }

    @Test
    void shouldReadThePublishedAl2AndAl2022Feeds() {
        FeedItem kernel = AlasFeedParser.parse(Fixtures.bytes("al2-alas.rss.vunnel-2_rss.xml"), AmazonLinux.AL2).items().get(0);
        FeedItem vim = AlasFeedParser.parse(Fixtures.bytes("al2022-alas.rss.vunnel-2022_rss.xml"), AmazonLinux.AL2023).items().get(0);

        assertThat(kernel.id()).isEqualTo("ALAS-2018-939");
        assertThat(kernel.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(kernel.packages()).containsExactly("kernel");
        assertThat(kernel.cves()).containsExactly("CVE-2017-5715", "CVE-2017-5754");
        assertThat(kernel.published()).isEqualTo(Instant.parse("2018-01-11T21:05:00Z"));
        assertThat(vim.id()).isEqualTo("ALAS-2021-001");
        assertThat(vim.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(vim.cves()).hasSize(4);
        assertThat(vim.pageName()).isEqualTo("ALAS-2021-001.html");
    }

    @Test
    void shouldReadEveryItemOfALongFeed() {
        AlasFeedParser.ParsedFeed feed = AlasFeedParser.parse(Fixtures.bytes("al2-alas.rss.2018-vunnel-mock_rss.xml"), AmazonLinux.AL2);

        assertThat(feed.problems()).isEmpty();
        assertThat(feed.items()).hasSize(97);
        assertThat(feed.items().get(0)).extracting(FeedItem::id, FeedItem::severity, FeedItem::packages, FeedItem::cves)
                .containsExactly("ALAS-2018-1106", Severity.MEDIUM, List.of("389-ds-base"), List.of("CVE-2018-14648"));
        assertThat(feed.items()).filteredOn(i -> i.id().equals("ALAS-2018-1102")).singleElement()
                .extracting(FeedItem::packages, FeedItem::cves)
                .containsExactly(List.of("openssl"), List.of("CVE-2018-0495", "CVE-2017-3735", "CVE-2018-0732", "CVE-2018-0739"));
        assertThat(feed.items()).extracting(FeedItem::id).doesNotHaveDuplicates();
    }

    @Test
    void shouldLeaveOutAndNameItemsThatAreNotAdvisoriesWhileReadingTheOthers() {
        String feed = rss(item("ALAS2023-2025-1196 (important): expat", "CVE-2025-59375", "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1196.html")
                + item("ALAS2023-2025-1197 (urgent): curl", "CVE-2025-0001", "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1197.html")
                + item("ALAS2023-2025-1198 (low): bash; rm -rf /", "", "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1198.html")
                + item("ALAS2023-2025-1199 (low): zlib", "", "https://elsewhere.example/ALAS2023-2025-1199.php")
                + item("Security update", "", "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1200.html"));

        AlasFeedParser.ParsedFeed parsed = AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023);

        assertThat(parsed.items()).extracting(FeedItem::id).containsExactly("ALAS2023-2025-1196");
        assertThat(parsed.items().get(0).packages()).containsExactly("expat");
        assertThat(parsed.problems()).containsExactly(
                "item 2 (ALAS2023-2025-1197): severity 'urgent' is not one of critical, important, medium, low",
                "item 3 (ALAS2023-2025-1198): 'bash; rm -rf /' is not a package name",
                "item 4 (ALAS2023-2025-1199): its link 'https://elsewhere.example/ALAS2023-2025-1199.php' is not an ALAS advisory page",
                "item 5: its title 'Security update' is not 'ALAS…-YYYY-N (severity): packages'");
    }

    @Test
    void shouldReadEveryIdFormTheAl2FeedUsesForItsExtrasAndLivePatchesAndKeepRefusingMalformedOnes() {
        // titles and links as published (the older form, then the form the feeds use since 2025)
        String feed = rss(item("ALASLIVEPATCH-2023-155 (important): kernel-livepatch-5.10.186-179.751", "CVE-2023-3090",
                        "https://alas.aws.amazon.com/AL2/ALASLIVEPATCH-2023-155.html")
                + item("ALASKERNEL-5.10-2022-005 (important): kernel", "CVE-2022-0001", "https://alas.aws.amazon.com/AL2/ALASKERNEL-5.10-2022-005.html")
                + item("ALASJAVA-OPENJDK11-2025-012 (medium): java-11-openjdk", "", "https://alas.aws.amazon.com/AL2/ALASJAVA-OPENJDK11-2025-012.html")
                + item("ALASPYTHON3.8-2025-018 (medium): python38", "", "https://alas.aws.amazon.com/AL2/ALASPYTHON3.8-2025-018.html")
                + item("ALAS2-2025-3025 (critical): 389-ds-base", "CVE-2025-7493", "https://alas.aws.amazon.com/AL2/ALAS2-2025-3025.html")
                + item("ALAS2LIVEPATCH-2025-264 (important): kernel-livepatch-5.10.242-239.961", "",
                        "https://alas.aws.amazon.com/AL2/ALAS2LIVEPATCH-2025-264.html")
                + item("ALAS2KERNEL-5.10-2025-099 (important): kernel; reboot", "", "https://alas.aws.amazon.com/AL2/ALAS2KERNEL-5.10-2025-099.html")
                + item("ALAS2kernel-2025-100 (important): kernel", "", "https://alas.aws.amazon.com/AL2/ALAS2kernel-2025-100.html"));

        AlasFeedParser.ParsedFeed parsed = AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2);

        assertThat(parsed.items()).extracting(FeedItem::id).containsExactly("ALASLIVEPATCH-2023-155", "ALASKERNEL-5.10-2022-005",
                "ALASJAVA-OPENJDK11-2025-012", "ALASPYTHON3.8-2025-018", "ALAS2-2025-3025", "ALAS2LIVEPATCH-2025-264");
        // a live patch's package carries the kernel it patches in its name, as rpm names it
        assertThat(parsed.items().get(0).packages()).containsExactly("kernel-livepatch-5.10.186-179.751");
        assertThat(parsed.items().get(1).pageName()).isEqualTo("ALASKERNEL-5.10-2022-005.html");
        assertThat(parsed.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("ALAS2KERNEL-5.10-2025-099").contains("is not a package name"))
                .anySatisfy(p -> assertThat(p).contains("ALAS2kernel-2025-100").contains("is not 'ALAS…-YYYY-N (severity): packages'"));
    }

    @Test
    void shouldNameEachAdvisoryAsItsPackageManagerDoes() {
        assertThat(AmazonLinux.AL2.updateinfoId("ALAS-2018-939")).isEqualTo("ALAS2-2018-939");
        assertThat(AmazonLinux.AL2.updateinfoId("ALASKERNEL-5.10-2023-025")).isEqualTo("ALAS2KERNEL-5.10-2023-025");
        assertThat(AmazonLinux.AL2.updateinfoId("ALASJAVA-OPENJDK11-2025-012")).isEqualTo("ALAS2JAVA-OPENJDK11-2025-012");
        assertThat(AmazonLinux.AL2.updateinfoId("ALAS2-2025-3025")).isEqualTo("ALAS2-2025-3025");
        assertThat(AmazonLinux.AL2.updateinfoId("ALAS2LIVEPATCH-2025-264")).isEqualTo("ALAS2LIVEPATCH-2025-264");
        assertThat(AmazonLinux.AL2023.updateinfoId("ALAS-2023-126")).isEqualTo("ALAS2023-2023-126");
        assertThat(AmazonLinux.AL2023.updateinfoId("ALAS2023-2025-1191")).isEqualTo("ALAS2023-2025-1191");
        assertThat(AmazonLinux.AL2023.updateinfoId("ALASLIVEPATCH-2023-003")).isEqualTo("ALAS2023LIVEPATCH-2023-003");
        assertThat(AmazonLinux.AL1.updateinfoId("ALAS-2025-1981")).isEqualTo("ALAS-2025-1981");
    }

    @Test
    void shouldReadSeveralPackagesOfOneAdvisory() {
        String feed = rss(item("ALAS2023-2024-700 (medium): python3.11, python3.9", "CVE-2024-1", "https://alas.aws.amazon.com/AL2023/ALAS2023-2024-700.html"));

        assertThat(AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023).items().get(0).packages())
                .containsExactly("python3.11", "python3.9");
    }

    @Test
    void shouldReadXmlsOwnEscapesAndCdata() {
        String feed = rss(item("ALAS2023-2024-701 (low): libxml2", "CVE-2024-10001 &amp; <![CDATA[CVE-2024-10002]]> &#67;VE-2024-10003",
                "https://alas.aws.amazon.com/AL2023/ALAS2023-2024-701.html"));

        assertThat(AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023).items().get(0).cves())
                .containsExactly("CVE-2024-10001", "CVE-2024-10002", "CVE-2024-10003");
    }

    @Test
    void shouldRefuseAnXxeThatReadsALocalFileWithoutReadingIt(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "kiln-secret-4f1d");
        String feed = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + channel(item("ALAS2023-2025-1 (low): &xxe;", "", "https://alas.aws.amazon.com/AL2023/ALAS2023-2025-1.html"));

        assertThatThrownBy(() -> AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023))
                .isInstanceOf(MalformedFeedException.class)
                .hasMessageContaining("declares a document type")
                .hasMessageNotContaining("kiln-secret-4f1d");
    }

    @Test
    void shouldRefuseAnExternalDtdWithoutFetchingIt() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] dtd = "<!ENTITY title \"ALAS2023-2025-1 (low): zlib\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        server.start();
        try {
            String feed = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://127.0.0.1:" + server.getAddress().getPort() + "/evil.dtd\">\n"
                    + "<rss version=\"2.0\"><channel><item><title>&title;</title></item></channel></rss>";

            assertThatThrownBy(() -> AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023))
                    .isInstanceOf(MalformedFeedException.class)
                    .hasMessageContaining("declares a document type");
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseABillionLaughsWithoutExpandingIt() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE rss [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        String feed = "<?xml version=\"1.0\"?>\n" + dtd + "]>\n"
                + "<rss version=\"2.0\"><channel><item><title>&lol9;</title></item></channel></rss>";
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> AlasFeedParser.parse(feed.getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2023))
                .isInstanceOf(MalformedFeedException.class)
                .hasMessageContaining("declares a document type");
        // expanded, &lol9; is 10^9 "lol"s: 3 GB of text; refused, the parse allocates a few MB at most
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void shouldRefuseWhatIsNotWellFormedRssOrTooLarge() {
        assertThatThrownBy(() -> AlasFeedParser.parse("<rss><channel><item>".getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2))
                .isInstanceOf(MalformedFeedException.class).hasMessageContaining("AL2/alas.rss feed is not well-formed XML");
        assertThatThrownBy(() -> AlasFeedParser.parse("<html><body>Service Unavailable</body></html>".getBytes(StandardCharsets.UTF_8), AmazonLinux.AL2))
                .isInstanceOf(MalformedFeedException.class).hasMessageContaining("is not RSS: its root is <html>");
        assertThatThrownBy(() -> AlasFeedParser.parse(new byte[0], AmazonLinux.AL2))
                .isInstanceOf(MalformedFeedException.class);
        assertThatThrownBy(() -> AlasFeedParser.parse(new byte[AlasFeedParser.MAX_BYTES + 1], AmazonLinux.AL2))
                .isInstanceOf(MalformedFeedException.class).hasMessageContaining("over the");
    }

    static String rss(String items) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n" + channel(items);
    }

    static String channel(String items) {
        return "<rss version=\"2.0\"><channel><title>Amazon Linux 2023 Security Bulletins</title>" + items + "</channel></rss>";
    }

    static String item(String title, String cves, String link) {
        return "<item><title>" + title + "</title><description>" + cves + "</description>"
                + "<pubDate>Wed, 05 Nov 2025 19:09:00 GMT</pubDate><guid>" + link + "</guid><link>" + link + "</link></item>";
    }
}
