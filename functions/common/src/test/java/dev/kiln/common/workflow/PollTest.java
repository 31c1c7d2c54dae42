package dev.kiln.common.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void shouldAskAtTheConfiguredIntervalWhenTheTimeoutFitsTheBudget() {
        assertThat(Poll.covering(3600, 15, 240)).isEqualTo(new Poll(15, 240));
        assertThat(Poll.covering(50, 15, 240)).isEqualTo(new Poll(15, 4));
    }

    @Test
    void shouldStretchTheIntervalRatherThanAskMoreOftenThanTheBudget() {
        assertThat(Poll.covering(172_800, 1, 200)).isEqualTo(new Poll(864, 200));
        assertThat(Poll.covering(601, 1, 200)).isEqualTo(new Poll(4, 151));
    }

    @Test
    void shouldAlwaysCoverTheTimeoutWithinTheBudget() {
        for (int timeout : new int[] {1, 59, 60, 61, 3599, 86_400, 172_800}) {
            for (int shortest : new int[] {1, 7, 15, 300}) {
                Poll poll = Poll.covering(timeout, shortest, 100);
                assertThat(poll.checks()).isBetween(1, 100);
                assertThat(poll.seconds()).isGreaterThanOrEqualTo(shortest);
                assertThat((long) poll.seconds() * poll.checks()).isGreaterThanOrEqualTo(timeout);
            }
        }
    }

    @Test
    void shouldRefuseAPollThatNeverAsks() {
        assertThatThrownBy(() -> new Poll(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Poll(5, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
