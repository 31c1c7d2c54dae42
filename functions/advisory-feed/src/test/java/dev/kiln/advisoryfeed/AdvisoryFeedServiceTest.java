package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisoryFeedServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private static final String AL2023_FEED = "AL2023/alas.rss";
    private static final String DETAIL_126 = "{\"id\":\"ALAS2023-2023-126\",\"feedId\":\"ALAS-2023-126\",\"amazonLinux\":\"2023\","
            + "\"severity\":\"important\",\"packages\":[\"device-mapper-multipath\"],"
            + "\"cves\":[\"CVE-2022-3787\",\"CVE-2022-41973\",\"CVE-2022-41974\"],"
            + "\"link\":\"https://alas.aws.amazon.com/AL2023/ALAS-2023-126.html\",\"publishedAt\":\"2023-03-07T00:29:00Z\","
            + "\"releasever\":\"2023.0.20230308\"}";

    private final Fakes.Site site = new Fakes.Site()
            .serve(AL2023_FEED, Fixtures.bytes("al2023-alas.rss.vunnel-2023_rss.xml"), "\"v1\"")
            .serve("AL2023/ALAS-2023-126.html", Fixtures.bytes("advisories/AL2023-ALAS-2023-126.vunnel.html"), null);
    private final Fakes.Ledger ledger = new Fakes.Ledger();
    private final Fakes.Announcer announcer = new Fakes.Announcer();
    private final Fakes.Metrics metrics = new Fakes.Metrics();

    private AdvisoryFeedService service(boolean baseline, AmazonLinux... feeds) {
        return new AdvisoryFeedService(new AdvisoryFeedService.Settings(List.of(feeds), baseline), site, ledger, announcer, metrics);
    }

    /** A service reading AL2023's feed, watched for an hour already: what the feed lists now is new. */
    private AdvisoryFeedService watchingAl2023() {
        ledger.watching(AmazonLinux.AL2023, NOW.minusSeconds(3600));
        return service(true, AmazonLinux.AL2023);
    }

    @Test
    void shouldRecordWhatTheFeedListsOnItsFirstReadWithoutAnnouncingIt() {
        List<AdvisoryFeedService.FeedOutcome> outcomes = service(true, AmazonLinux.AL2023).run(NOW);

        assertThat(outcomes).extracting(AdvisoryFeedService.FeedOutcome::result, AdvisoryFeedService.FeedOutcome::listed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("baseline", 1));
        assertThat(announcer.announced).isEmpty();
        assertThat(ledger.advisories).containsExactly(Map.entry("2023#ALAS-2023-126", Ports.AdvisoryState.BASELINE));
        assertThat(ledger.feeds.get(AmazonLinux.AL2023).watchedSince()).contains(NOW);
        assertThat(site.requests).containsExactly(AL2023_FEED);
    }

    @Test
    void shouldAnnounceANewAl2023AdvisoryOnceWithItsPagesIdAndReleasever() throws Exception {
        AdvisoryFeedService.FeedOutcome first = watchingAl2023().run(NOW).get(0);

        assertThat(first.announced()).isEqualTo(1);
        assertThat(announcer.announced.keySet()).containsExactly("alas-2023-ALAS-2023-126");
        assertThat(Json.MAPPER.readTree(announcer.announced.get("alas-2023-ALAS-2023-126"))).isEqualTo(Json.MAPPER.readTree(DETAIL_126));
        assertThat(ledger.advisories).containsEntry("2023#ALAS-2023-126", Ports.AdvisoryState.ANNOUNCED);
        assertThat(metrics.counts).containsEntry("AdvisoriesAnnounced/2023", 1);
    }

    @Test
    void shouldAnnounceNothingAgainWhenTheFeedIsUnchangedOrRepeatsTheAdvisory() {
        AdvisoryFeedService service = watchingAl2023();
        service.run(NOW);

        AdvisoryFeedService.FeedOutcome unchanged = service.run(NOW.plusSeconds(900)).get(0);
        site.serve(AL2023_FEED, Fixtures.bytes("al2023-alas.rss.vunnel-2023_rss.xml"), "\"v2\"");
        AdvisoryFeedService.FeedOutcome repeated = service.run(NOW.plusSeconds(1800)).get(0);

        assertThat(unchanged.result()).isEqualTo("unchanged");
        assertThat(repeated.result()).isEqualTo("read");
        assertThat(repeated.announced()).isZero();
        assertThat(announcer.calls).isEqualTo(1);
    }

    @Test
    void shouldNotAnnounceTwiceAfterACrashBetweenAnnouncingAndRecording() {
        ledger.crashOnAnnounced = new IllegalStateException("the function died here");
        AdvisoryFeedService service = watchingAl2023();
        assertThatThrownBy(() -> service.run(NOW)).hasMessage("the function died here");
        assertThat(ledger.advisories).containsEntry("2023#ALAS-2023-126", Ports.AdvisoryState.PENDING);

        AdvisoryFeedService.FeedOutcome retried = service.run(NOW.plusSeconds(60)).get(0);

        assertThat(retried.announced()).isZero();
        assertThat(retried.recovered()).isEqualTo(1);
        assertThat(announcer.announced).hasSize(1);
        assertThat(ledger.advisories).containsEntry("2023#ALAS-2023-126", Ports.AdvisoryState.ANNOUNCED);
    }

    @Test
    void shouldAnnounceAfterACrashBetweenClaimingAndAnnouncing() {
        announcer.crashOnNext = new IllegalStateException("the function died here");
        AdvisoryFeedService service = watchingAl2023();
        assertThatThrownBy(() -> service.run(NOW)).hasMessage("the function died here");

        AdvisoryFeedService.FeedOutcome retried = service.run(NOW.plusSeconds(60)).get(0);

        assertThat(retried.announced()).isEqualTo(1);
        assertThat(announcer.announced).containsOnlyKeys("alas-2023-ALAS-2023-126");
    }

    @Test
    void shouldKeepAnAdvisoryWhosePageCannotBeReadForTheNextReadAndAnnounceNothingFalse() {
        site.fail("AL2023/ALAS-2023-126.html", "AL2023/ALAS-2023-126.html answered 503");
        AdvisoryFeedService service = watchingAl2023();

        AdvisoryFeedService.FeedOutcome first = service.run(NOW).get(0);

        assertThat(first.waiting()).isEqualTo(1);
        assertThat(announcer.announced).isEmpty();
        assertThat(ledger.advisories).isEmpty();
        assertThat(ledger.feeds.get(AmazonLinux.AL2023).validators()).isEmpty();
        assertThat(metrics.counts).containsEntry("AdvisoryErrors/2023", 1);

        site.serve("AL2023/ALAS-2023-126.html", Fixtures.bytes("advisories/AL2023-ALAS-2023-126.vunnel.html"), null);
        assertThat(service.run(NOW.plusSeconds(900)).get(0).announced()).isEqualTo(1);
    }

    @Test
    void shouldReportAFeedThatIsDownOrHostileAndChangeNothing() {
        site.fail("AL2/alas.rss", "https://alas.aws.amazon.com/AL2/alas.rss did not answer in 20 s");
        site.serve(AL2023_FEED, ("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<rss><channel><item><title>&x;</title></item></channel></rss>").getBytes(StandardCharsets.UTF_8), "\"evil\"");
        ledger.watching(AmazonLinux.AL2023, NOW.minusSeconds(3600));

        List<AdvisoryFeedService.FeedOutcome> outcomes = service(true, AmazonLinux.AL2023, AmazonLinux.AL2).run(NOW);

        assertThat(outcomes).extracting(AdvisoryFeedService.FeedOutcome::result).containsExactly("failed", "failed");
        assertThat(outcomes.get(0).error()).contains("declares a document type");
        assertThat(outcomes.get(1).error()).isEqualTo("https://alas.aws.amazon.com/AL2/alas.rss did not answer in 20 s");
        assertThat(metrics.counts).containsEntry("FeedErrors/2023", 1).containsEntry("FeedErrors/2", 1);
        assertThat(announcer.calls).isZero();
        assertThat(ledger.advisories).isEmpty();
        assertThat(ledger.feeds).containsOnlyKeys(AmazonLinux.AL2023);
        assertThat(ledger.feeds.get(AmazonLinux.AL2023).validators()).isEmpty();
    }

    @Test
    void shouldAnnounceAl2AdvisoriesByTheirFeedIdWithoutReadingPages() throws Exception {
        site.serve("AL2/alas.rss", Fixtures.bytes("al2-alas.rss.vunnel-2_rss.xml"), null);

        service(false, AmazonLinux.AL2).run(NOW);

        assertThat(site.requests).containsExactly("AL2/alas.rss");
        // yum on Amazon Linux 2 knows the advisory the feed lists as ALAS-2018-939 as ALAS2-2018-939
        assertThat(Json.MAPPER.readTree(announcer.announced.get("alas-2-ALAS-2018-939")).get("id").asText()).isEqualTo("ALAS2-2018-939");
        assertThat(Json.MAPPER.readTree(announcer.announced.get("alas-2-ALAS-2018-939")).get("feedId").asText()).isEqualTo("ALAS-2018-939");
        assertThat(Json.MAPPER.readTree(announcer.announced.get("alas-2-ALAS-2018-939")).has("releasever")).isFalse();
    }

    @Test
    void shouldAnnounceOldestFirstAndLeaveOutItemsThatAreNotAdvisories() {
        site.serve("AL2/alas.rss", (AlasFeedParserTest.rss(
                AlasFeedParserTest.item("ALAS2-2025-3002 (critical): openssl", "CVE-2025-10002", "https://alas.aws.amazon.com/AL2/ALAS2-2025-3002.html")
                        .replace("Wed, 05 Nov", "Fri, 07 Nov")
                + AlasFeedParserTest.item("ALAS2-2025-3001 (low): zlib", "CVE-2025-10001", "https://alas.aws.amazon.com/AL2/ALAS2-2025-3001.html")
                + AlasFeedParserTest.item("ALAS2-2025-3003 (urgent): curl", "", "https://alas.aws.amazon.com/AL2/ALAS2-2025-3003.html")))
                .getBytes(StandardCharsets.UTF_8), null);

        AdvisoryFeedService.FeedOutcome outcome = service(false, AmazonLinux.AL2).run(NOW).get(0);

        assertThat(announcer.announced.keySet()).containsExactly("alas-2-ALAS2-2025-3001", "alas-2-ALAS2-2025-3002");
        assertThat(outcome.problems()).hasSize(1);
        assertThat(metrics.counts).containsEntry("ItemProblems/2", 1);
    }
}
