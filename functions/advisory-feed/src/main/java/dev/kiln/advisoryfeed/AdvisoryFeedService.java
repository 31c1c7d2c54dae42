package dev.kiln.advisoryfeed;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.AdvisoryPatterns;
import dev.kiln.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of the configured ALAS feeds. Each advisory a feed lists is announced once
 * ({@code Security Advisory Published}): it is claimed in the ledger, announced under a name of its
 * own (a second announcement of that name does nothing), then recorded as announced — so a retry,
 * a repeated item or a crash between any two steps neither loses an advisory nor announces it twice.
 * The first read of a feed records what it already lists without announcing it (when baseline is on).
 * A feed that is down, slow, malformed or hostile is reported (log and metric) and changes nothing;
 * its validators are kept only when every new advisory was announced, so the next read catches up.
 */
public record AdvisoryFeedService(Settings settings, Ports.Site site, Ports.Ledger ledger, Ports.Announcer announcer,
                                  Ports.Metrics metrics) {

    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryFeedService.class);

    /** @param baseline whether a feed's first read only records what it lists */
    public record Settings(List<AmazonLinux> feeds, boolean baseline) {

        public Settings {
            feeds = List.copyOf(feeds);
        }
    }

    /**
     * What happened to one feed: {@code unchanged} (304), {@code baseline}, {@code read} or {@code failed}.
     *
     * @param announced advisories announced now; {@code recovered}: found claimed by an earlier read
     *                  that stopped before recording them, and recorded now (announced then, not again)
     * @param waiting   new advisories not announced yet (their page could not be read): the next read retries
     */
    public record FeedOutcome(String feed, String result, int listed, int announced, int recovered, int waiting,
                              List<String> problems, String error) {
    }

    public List<FeedOutcome> run(Instant now) {
        List<FeedOutcome> outcomes = new ArrayList<>();
        for (AmazonLinux feed : settings.feeds()) {
            outcomes.add(read(feed, now));
        }
        return outcomes;
    }

    private FeedOutcome read(AmazonLinux feed, Instant now) {
        Ports.FeedState state = ledger.feed(feed).orElse(new Ports.FeedState(Optional.empty(), Optional.empty()));
        AlasFeedParser.ParsedFeed parsed;
        Ports.Page page;
        try {
            page = site.get(feed.feedPath(), state.validators());
            if (page.unchanged()) {
                LOG.info("Feed unchanged", entry("feed", feed.feedPath()));
                return new FeedOutcome(feed.feedPath(), "unchanged", 0, 0, 0, 0, List.of(), null);
            }
            parsed = AlasFeedParser.parse(page.body(), feed);
        } catch (FeedUnavailableException | MalformedFeedException e) {
            LOG.error("Cannot read the feed; nothing announced, the next read tries again",
                    entry("feed", feed.feedPath()), entry("cause", e.getMessage()));
            metrics.count("FeedErrors", feed, 1);
            return new FeedOutcome(feed.feedPath(), "failed", 0, 0, 0, 0, List.of(), e.getMessage());
        }
        parsed.problems().forEach(problem -> LOG.warn("Feed item left out", entry("feed", feed.feedPath()),
                entry("problem", problem)));
        if (!parsed.problems().isEmpty()) {
            metrics.count("ItemProblems", feed, parsed.problems().size());
        }
        List<FeedItem> items = parsed.items().stream().sorted(Comparator.comparing(FeedItem::published)).toList();
        List<String> keys = items.stream().map(AdvisoryFeedService::key).toList();

        if (state.watchedSince().isEmpty() && settings.baseline()) {
            ledger.baseline(keys, now);
            ledger.saveFeed(feed, new Ports.FeedState(Optional.ofNullable(page.validators()), Optional.of(now)));
            LOG.info("First read of the feed: what it lists is recorded, not announced",
                    entry("feed", feed.feedPath()), entry("advisories", items.size()));
            return new FeedOutcome(feed.feedPath(), "baseline", items.size(), 0, 0, 0, parsed.problems(), null);
        }

        Map<String, Ports.AdvisoryState> known = ledger.states(keys);
        int announced = 0;
        int recovered = 0;
        int waiting = 0;
        for (FeedItem item : items) {
            Ports.AdvisoryState itemState = known.get(key(item));
            if (itemState == Ports.AdvisoryState.BASELINE || itemState == Ports.AdvisoryState.ANNOUNCED) {
                continue;
            }
            try {
                ObjectNode detail = detail(item);
                ledger.claim(key(item), now);
                boolean fresh = announcer.announce(announcementName(item), Json.MAPPER.writeValueAsString(detail));
                ledger.announced(key(item), detail.get("id").asText(), now);
                if (fresh) {
                    announced++;
                    LOG.info("Advisory announced", entry("id", detail.get("id").asText()),
                            entry("severity", item.severity().value()), entry("packages", item.packages()));
                } else {
                    recovered++;
                    LOG.info("Advisory was announced by an earlier read that stopped before recording it",
                            entry("id", detail.get("id").asText()));
                }
            } catch (FeedUnavailableException | MalformedFeedException e) {
                waiting++;
                LOG.error("Advisory not announced yet; the next read tries again", entry("feed", feed.feedPath()),
                        entry("advisory", item.id()), entry("cause", e.getMessage()));
                metrics.count("AdvisoryErrors", feed, 1);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        metrics.count("AdvisoriesAnnounced", feed, announced);
        ledger.saveFeed(feed, new Ports.FeedState(
                waiting == 0 ? Optional.ofNullable(page.validators()) : state.validators(),
                Optional.of(state.watchedSince().orElse(now))));
        return new FeedOutcome(feed.feedPath(), "read", items.size(), announced, recovered, waiting, parsed.problems(), null);
    }

    /**
     * The event's detail: the id dnf or yum knows (AL2023: as the advisory's page names it), and for AL2023
     * the fix's releasever from the page.
     */
    private ObjectNode detail(FeedItem item) {
        ObjectNode detail = Json.MAPPER.createObjectNode();
        String id = item.feed().updateinfoId(item.id());
        List<String> packages = item.packages();
        Optional<String> releasever = Optional.empty();
        if (item.feed() == AmazonLinux.AL2023) {
            Ports.Page page = site.get(item.feed().pagePath(item.pageName()), Optional.empty());
            AdvisoryPage advisory = AdvisoryPage.parse(new String(page.body(), StandardCharsets.UTF_8), item.id());
            id = advisory.id();
            packages = advisory.packages();
            releasever = advisory.releasever().filter(r -> AdvisoryPatterns.RELEASEVER.matcher(r).matches());
            if (releasever.isEmpty()) {
                LOG.warn("The advisory's page names no --releasever; bakes apply it with the newest release",
                        entry("advisory", id), entry("correction", advisory.correction()));
            }
        }
        detail.put("id", id);
        detail.put("feedId", item.id());
        detail.put("amazonLinux", item.feed().version());
        detail.put("severity", item.severity().value());
        packages.forEach(detail.putArray("packages")::add);
        item.cves().forEach(detail.putArray("cves")::add);
        detail.put("link", item.link());
        detail.put("publishedAt", item.published().toString());
        releasever.ifPresent(r -> detail.put("releasever", r));
        return detail;
    }

    static String key(FeedItem item) {
        return item.feed().version() + "#" + item.id();
    }

    /** A Step Functions execution name: letters, digits and dashes. */
    static String announcementName(FeedItem item) {
        return "alas-" + item.feed().version() + "-" + item.id();
    }
}
