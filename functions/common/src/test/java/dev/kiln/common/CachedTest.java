package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedTest {

    /** A clock that stands still until told to move. */
    private static final class Hands extends Clock {
        private Instant now = Instant.parse("2026-12-06T10:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override public Instant instant() { return now; }
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }

    @Test
    void shouldReadOnceAndAgainOnlyWhenTheValueIsOlderThanItsKeep() {
        // given
        Hands clock = new Hands();
        AtomicInteger reads = new AtomicInteger();
        Cached<Integer> cached = new Cached<>(Duration.ofMinutes(5), clock, reads::incrementAndGet);

        // when / then
        assertThat(cached.get()).isEqualTo(1);
        clock.move(Duration.ofMinutes(5));
        assertThat(cached.get()).isEqualTo(1);
        clock.move(Duration.ofSeconds(1));
        assertThat(cached.get()).isEqualTo(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void shouldRefreshOnAskUnlessItReadTooRecentlyAndSayWhetherTheValueChanged() {
        // given
        Hands clock = new Hands();
        AtomicInteger reads = new AtomicInteger();
        Cached<String> cached = new Cached<>(Duration.ofMinutes(5), clock, () -> reads.incrementAndGet() < 3 ? "old" : "new");
        cached.get();

        // when / then
        assertThat(cached.refresh(Duration.ofSeconds(10))).isFalse();
        assertThat(reads).hasValue(1);
        clock.move(Duration.ofSeconds(11));
        assertThat(cached.refresh(Duration.ofSeconds(10))).isFalse();
        clock.move(Duration.ofSeconds(11));
        assertThat(cached.refresh(Duration.ofSeconds(10))).isTrue();
        assertThat(cached.get()).isEqualTo("new");
        assertThat(reads).hasValue(3);
    }
}
