package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordingTest {

    @Test
    void shouldListNamesWithAnAndBeforeTheLast() {
        assertThat(Wording.listed(List.of())).isEmpty();
        assertThat(Wording.listed(List.of("web"))).isEqualTo("web");
        assertThat(Wording.listed(List.of("web", "api"))).isEqualTo("web and api");
        assertThat(Wording.listed(List.of("base", "web", "api"))).isEqualTo("base, web and api");
    }

    @Test
    void shouldSayMinutesThenHoursThenDaysAndNeverANegativeSpan() {
        assertThat(Wording.readable(Duration.ofSeconds(-30))).isEqualTo("0 minutes");
        assertThat(Wording.readable(Duration.ofMinutes(1))).isEqualTo("1 minute");
        assertThat(Wording.readable(Duration.ofMinutes(119))).isEqualTo("119 minutes");
        assertThat(Wording.readable(Duration.ofMinutes(120))).isEqualTo("2 hours");
        assertThat(Wording.readable(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Wording.readable(Duration.ofHours(48))).isEqualTo("2 days");
    }

    @Test
    void shouldKeepASubjectPrintableAsciiAndUnderOneHundredCharacters() {
        assertThat(Wording.subject("ALAS2023-2025-1196 (important): web patched")).isEqualTo("ALAS2023-2025-1196 (important): web patched");
        assertThat(Wording.subject("caf\u00e9\nnext")).isEqualTo("caf??next");
        String cut = Wording.subject("x".repeat(150));
        assertThat(cut).hasSize(99).endsWith("x~");
    }
}
