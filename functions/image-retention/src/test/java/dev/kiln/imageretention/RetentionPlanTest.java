package dev.kiln.imageretention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.imageretention.RetentionPlan.Action;
import dev.kiln.imageretention.RetentionPlan.Decision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {

    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    // ami-00 is the oldest, ami-07 the newest
    private static final List<RetentionPlan.Image> EIGHT = IntStream.range(0, 8)
            .mapToObj(i -> new RetentionPlan.Image("ami-0" + i, "web", T0.plusSeconds(86400L * i), List.of("snap-0" + i)))
            .toList();

    @Test
    void shouldKeepTheNewestAndRemoveTheOlderImagesNothingUses() {
        List<Decision> decisions = RetentionPlan.decide(EIGHT, 5, Map.of());

        assertThat(decisions).filteredOn(d -> d.action() == Action.KEEP_NEWEST).extracting(Decision::imageId)
                .containsExactly("ami-07", "ami-06", "ami-05", "ami-04", "ami-03");
        assertThat(decisions).filteredOn(d -> d.action() == Action.REMOVE).extracting(Decision::imageId)
                .containsExactly("ami-02", "ami-01", "ami-00");
    }

    @Test
    void shouldNeverRemoveAnImageThatIsStillInUseHoweverOld() {
        List<Decision> decisions = RetentionPlan.decide(EIGHT, 5, Map.of(
                "ami-00", "launch template web-asg version 3",
                "ami-02", "instance i-0123456789abcdef0 (running)",
                "ami-06", "the image pointer /kiln/images/web"));

        assertThat(decisions).filteredOn(d -> d.action() == Action.REMOVE).extracting(Decision::imageId)
                .containsExactly("ami-01");
        assertThat(decisions).filteredOn(d -> d.imageId().equals("ami-00")).singleElement()
                .extracting(Decision::action, Decision::reason, Decision::usedBy)
                .containsExactly(Action.KEEP_IN_USE, "still used by launch template web-asg version 3", "launch template web-asg version 3");
    }

    @Test
    void shouldSayWhatUsesAnImageItKeepsAsOneOfTheNewest() {
        List<Decision> decisions = RetentionPlan.decide(EIGHT, 5, Map.of("ami-07", "the image pointer /kiln/images/web/current"));

        assertThat(decisions).filteredOn(d -> d.imageId().equals("ami-07")).singleElement()
                .extracting(Decision::action, Decision::usedBy)
                .containsExactly(Action.KEEP_NEWEST, "the image pointer /kiln/images/web/current");
    }

    @Test
    void shouldKeepEverythingWhenThereAreNoMoreImagesThanToKeep() {
        assertThat(RetentionPlan.decide(EIGHT.subList(0, 3), 5, Map.of()))
                .extracting(Decision::action).containsOnly(Action.KEEP_NEWEST);
    }

    @Test
    void shouldOrderImagesMadeInTheSameSecondByTheirIds() {
        List<RetentionPlan.Image> sameTime = List.of(
                new RetentionPlan.Image("ami-0a", "web", T0, List.of()),
                new RetentionPlan.Image("ami-0b", "web", T0, List.of()));

        assertThat(RetentionPlan.decide(sameTime, 1, Map.of())).extracting(Decision::imageId, Decision::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ami-0b", Action.KEEP_NEWEST),
                        org.assertj.core.groups.Tuple.tuple("ami-0a", Action.REMOVE));
    }
}
