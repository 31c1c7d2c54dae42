package dev.kiln.common.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreezeTagTest {

    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

    @Test
    void shouldHoldAGroupTaggedTrueUntilTheTagIsRemoved() {
        assertThat(FreezeTag.holds("true", NOW)).contains("frozen by its kiln:freeze tag");
        assertThat(FreezeTag.holds(" TRUE ", NOW)).contains("frozen by its kiln:freeze tag");
        assertThat(FreezeTag.holds(null, NOW)).isEmpty();
    }

    @Test
    void shouldHoldAGroupUntilTheTimeInItsTagWhateverItsOffset() {
        assertThat(FreezeTag.holds("2026-12-07T12:30:00+09:00", NOW)).contains("frozen by its kiln:freeze tag until 2026-12-07T03:30:00Z");
        assertThat(FreezeTag.holds("2026-12-07T11:30:00+09:00", NOW)).isEmpty();
    }

    @Test
    void shouldHoldAGroupWhoseTagItCannotReadAndSaySo() {
        assertThat(FreezeTag.holds("until Friday", NOW)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("frozen by its kiln:freeze tag: its value 'until Friday' is not understood"));
    }
}
