package dev.kiln.advisoryfeed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** In-memory stand-ins for the ports, with ways to fail at a chosen step. */
final class Fakes {

    private Fakes() {
    }

    static final class Site implements Ports.Site {
        final Map<String, Supplier<Ports.Page>> pages = new HashMap<>();
        final List<String> requests = new ArrayList<>();

        Site serve(String path, byte[] body, String etag) {
            pages.put(path, () -> new Ports.Page(200, body, new Ports.Validators(etag, null)));
            return this;
        }

        Site fail(String path, String message) {
            pages.put(path, () -> {
                throw new FeedUnavailableException(message);
            });
            return this;
        }

        @Override
        public Ports.Page get(String path, Optional<Ports.Validators> validators) {
            requests.add(path);
            Supplier<Ports.Page> page = pages.get(path);
            if (page == null) {
                throw new FeedUnavailableException(path + " answered 404");
            }
            Ports.Page answer = page.get();
            if (validators.isPresent() && answer.validators() != null && answer.validators().etag() != null
                    && answer.validators().etag().equals(validators.get().etag())) {
                return new Ports.Page(304, new byte[0], validators.get());
            }
            return answer;
        }
    }

    static final class Ledger implements Ports.Ledger {
        final Map<AmazonLinux, Ports.FeedState> feeds = new HashMap<>();
        final Map<String, Ports.AdvisoryState> advisories = new LinkedHashMap<>();
        RuntimeException crashOnAnnounced;

        Ledger watching(AmazonLinux feed, Instant since) {
            feeds.put(feed, new Ports.FeedState(Optional.empty(), Optional.of(since)));
            return this;
        }

        @Override
        public Optional<Ports.FeedState> feed(AmazonLinux feed) {
            return Optional.ofNullable(feeds.get(feed));
        }

        @Override
        public void saveFeed(AmazonLinux feed, Ports.FeedState state) {
            feeds.put(feed, state);
        }

        @Override
        public Map<String, Ports.AdvisoryState> states(Collection<String> keys) {
            Map<String, Ports.AdvisoryState> known = new HashMap<>();
            keys.stream().filter(advisories::containsKey).forEach(k -> known.put(k, advisories.get(k)));
            return known;
        }

        @Override
        public void baseline(Collection<String> keys, Instant now) {
            keys.forEach(k -> advisories.putIfAbsent(k, Ports.AdvisoryState.BASELINE));
        }

        @Override
        public void claim(String key, Instant now) {
            advisories.putIfAbsent(key, Ports.AdvisoryState.PENDING);
        }

        @Override
        public void announced(String key, String id, Instant now) {
            if (crashOnAnnounced != null) {
                RuntimeException crash = crashOnAnnounced;
                crashOnAnnounced = null;
                throw crash;
            }
            advisories.put(key, Ports.AdvisoryState.ANNOUNCED);
        }
    }

    /** Like Step Functions' execution names: a name is used once. */
    static final class Announcer implements Ports.Announcer {
        final Map<String, String> announced = new LinkedHashMap<>();
        int calls;
        RuntimeException crashOnNext;

        @Override
        public boolean announce(String name, String detail) {
            calls++;
            if (crashOnNext != null) {
                RuntimeException crash = crashOnNext;
                crashOnNext = null;
                throw crash;
            }
            return announced.putIfAbsent(name, detail) == null;
        }
    }

    static final class Metrics implements Ports.Metrics {
        final Map<String, Integer> counts = new HashMap<>();

        @Override
        public void count(String metric, AmazonLinux feed, int value) {
            counts.merge(metric + "/" + feed.version(), value, Integer::sum);
        }
    }
}
