package dev.kiln.common.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The states an execution went through, in order, with when each was entered and left: read from
 * Step Functions' execution history, for step durations and for naming the step that failed.
 */
public final class StateVisits {

    /** One pass through a state; {@code exited} is empty while the state is still running (or failed). */
    public record Visit(String state, Instant entered, Optional<Instant> exited) {

        public Duration duration() {
            return exited.map(end -> Duration.between(entered, end)).orElse(Duration.ZERO);
        }
    }

    private StateVisits() {
    }

    public static List<Visit> of(SfnClient sfn, String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn).maxResults(1000))
                .forEach(page -> events.addAll(page.events()));
        return from(events);
    }

    /** Pairs each StateEntered event with the next StateExited event of the same state. */
    public static List<Visit> from(List<HistoryEvent> events) {
        List<Visit> visits = new ArrayList<>();
        for (HistoryEvent event : events) {
            if (event.stateEnteredEventDetails() != null) {
                visits.add(new Visit(event.stateEnteredEventDetails().name(), event.timestamp(), Optional.empty()));
            } else if (event.stateExitedEventDetails() != null) {
                String state = event.stateExitedEventDetails().name();
                for (int i = visits.size() - 1; i >= 0; i--) {
                    Visit visit = visits.get(i);
                    if (visit.state().equals(state) && visit.exited().isEmpty()) {
                        visits.set(i, new Visit(state, visit.entered(), Optional.of(event.timestamp())));
                        break;
                    }
                }
            }
        }
        return visits;
    }
}
