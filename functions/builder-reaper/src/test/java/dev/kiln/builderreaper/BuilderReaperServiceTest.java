package dev.kiln.builderreaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuilderReaperServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String RUNNING = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-running";
    private static final String ABORTED = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-aborted";
    private static final String GONE = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-gone";

    /** A fleet of leftovers with given tags, and what was done to it. */
    static final class FakeLeftovers implements Leftovers {
        final List<Builder> builders = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        final List<String> actions = new ArrayList<>();

        @Override public List<Builder> builders() { return builders; }
        @Override public void terminate(List<String> ids) { actions.add("terminate " + ids); }
        @Override public List<Image> unrecordedImages() { return images; }
        @Override public void remove(Image image) { actions.add("remove " + image.imageId() + " " + image.snapshotIds()); }

        @Override
        public Optional<String> executionStatus(String arn) {
            return switch (arn) {
                case RUNNING -> Optional.of("RUNNING");
                case ABORTED -> Optional.of("ABORTED");
                default -> Optional.empty();
            };
        }
    }

    private final FakeLeftovers leftovers = new FakeLeftovers();
    private final List<String> notices = new ArrayList<>();
    private final BuilderReaperService service = new BuilderReaperService(leftovers, (s, m) -> notices.add(s + "\n" + m));

    private static Leftovers.Builder builder(String id, Instant launched, Map<String, String> tags) {
        return new Leftovers.Builder(id, launched, tags);
    }

    @Test
    void shouldTerminateABuilderKeptForDebuggingOnceItsTimeIsUp() {
        leftovers.builders.add(builder("i-01", NOW.minusSeconds(7200), Map.of("kiln:execution", ABORTED,
                "kiln:expires-at", "2026-11-22T11:00:00Z")));
        leftovers.builders.add(builder("i-02", NOW.minusSeconds(7200), Map.of("kiln:execution", ABORTED,
                "kiln:expires-at", "2026-11-22T13:00:00Z")));

        BuilderReaperService.Report report = service.reap(NOW);

        assertThat(leftovers.actions).containsExactly("terminate [i-01]");
        assertThat(report.terminated()).singleElement().extracting(Reaper.Verdict::reason)
                .isEqualTo("kept for debugging until 2026-11-22T11:00:00Z, which has passed");
        assertThat(report.kept()).singleElement().extracting(Reaper.Verdict::resourceId).isEqualTo("i-02");
    }

    @Test
    void shouldTerminateBuildersWhoseBakeEndedWithoutCleaningUpAndLeaveRunningBakesAlone() {
        leftovers.builders.add(builder("i-running", NOW.minusSeconds(600), Map.of("kiln:execution", RUNNING)));
        leftovers.builders.add(builder("i-aborted", NOW.minusSeconds(600), Map.of("kiln:execution", ABORTED)));
        leftovers.builders.add(builder("i-gone", NOW.minusSeconds(600), Map.of("kiln:execution", GONE)));

        service.reap(NOW);

        assertThat(leftovers.actions).containsExactly("terminate [i-aborted, i-gone]");
        assertThat(notices).singleElement().asString()
                .startsWith("Kiln reaper removed 2 builders and 0 unfinished images\n")
                .contains("Terminated builder i-aborted: its bake " + ABORTED + " ended ABORTED without cleaning up")
                .contains("Terminated builder i-gone: its bake " + GONE + " no longer exists")
                .contains("i-running: its bake is running");
    }

    @Test
    void shouldNeverTouchABuilderWhoseBakeStepFunctionsSaysIsRunningWhateverItsTagsOrAge() {
        leftovers.builders.add(builder("i-old", NOW.minus(Duration.ofHours(50)), Map.of("kiln:execution", RUNNING)));
        leftovers.builders.add(builder("i-marked", NOW.minusSeconds(7200), Map.of("kiln:execution", RUNNING,
                "kiln:expires-at", "2026-11-22T11:00:00Z")));

        BuilderReaperService.Report report = service.reap(NOW);

        assertThat(leftovers.actions).isEmpty();
        assertThat(report.kept()).extracting(Reaper.Verdict::reason).containsOnly("its bake is running");
        assertThat(notices).isEmpty();
    }

    @Test
    void shouldRemoveUnfinishedImagesOfEndedBakesWithTheirSnapshots() {
        leftovers.images.add(new Leftovers.Image("ami-0aaaaaaaaaaaaaaa1", NOW.minusSeconds(900),
                Map.of("kiln:execution", ABORTED), List.of("snap-01")));
        leftovers.images.add(new Leftovers.Image("ami-0bbbbbbbbbbbbbbb2", NOW.minusSeconds(900),
                Map.of("kiln:execution", RUNNING), List.of("snap-02")));

        BuilderReaperService.Report report = service.reap(NOW);

        assertThat(leftovers.actions).containsExactly("remove ami-0aaaaaaaaaaaaaaa1 [snap-01]");
        assertThat(report.removedImages()).hasSize(1);
    }

    @Test
    void shouldGiveAnUnclaimedBuilderTimeBeforeTerminatingIt() {
        leftovers.builders.add(builder("i-new", NOW.minusSeconds(60), Map.of()));
        leftovers.builders.add(builder("i-stale", NOW.minus(Reaper.GRACE).minusSeconds(1), Map.of()));

        service.reap(NOW);

        assertThat(leftovers.actions).containsExactly("terminate [i-stale]");
    }

    @Test
    void shouldStayQuietWhenThereIsNothingToRemove() {
        leftovers.builders.add(builder("i-running", NOW.minusSeconds(600), Map.of("kiln:execution", RUNNING)));

        service.reap(NOW);

        assertThat(leftovers.actions).isEmpty();
        assertThat(notices).isEmpty();
    }
}
