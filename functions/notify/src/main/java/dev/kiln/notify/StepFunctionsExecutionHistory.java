package dev.kiln.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/** {@link ExecutionHistory} from the Step Functions API. */
public record StepFunctionsExecutionHistory(SfnClient stepFunctions) implements ExecutionHistory {

    // the failing step is among the final events of a failed execution (after it: a failure path)
    private static final int EVENTS_TO_READ = 100;

    private static final Set<HistoryEventType> STEP_FAILURES = Set.of(
            HistoryEventType.TASK_FAILED, HistoryEventType.TASK_TIMED_OUT,
            HistoryEventType.LAMBDA_FUNCTION_FAILED, HistoryEventType.LAMBDA_FUNCTION_TIMED_OUT,
            HistoryEventType.LAMBDA_FUNCTION_START_FAILED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULE_FAILED,
            HistoryEventType.ACTIVITY_FAILED, HistoryEventType.ACTIVITY_TIMED_OUT,
            HistoryEventType.MAP_STATE_FAILED, HistoryEventType.PARALLEL_STATE_FAILED);

    @Override
    public FailureDetails describe(String executionArn) {
        DescribeExecutionResponse execution = stepFunctions.describeExecution(r -> r.executionArn(executionArn));
        List<HistoryEvent> newestFirst = stepFunctions
                .getExecutionHistory(r -> r.executionArn(executionArn).reverseOrder(true).maxResults(EVENTS_TO_READ))
                .events();
        return new FailureDetails(nonBlank(execution.error()), nonBlank(execution.cause()), failedState(newestFirst));
    }

    /**
     * The state a step failed in. A workflow that found the failure itself (a command that ended
     * badly, a wait that ran out) names it in {@code error.Step} of its Fail state's input; else the
     * state entered before the newest task, Lambda, activity, map or parallel failure (a workflow
     * that catches the failure goes on to other states after it); when there is none, the newest
     * state entered (the Fail state that ended it).
     */
    static Optional<String> failedState(List<HistoryEvent> newestFirst) {
        Optional<String> named = newestFirst.stream()
                .filter(e -> e.type() == HistoryEventType.FAIL_STATE_ENTERED)
                .findFirst()
                .flatMap(StepFunctionsExecutionHistory::namedStep);
        if (named.isPresent()) {
            return named;
        }
        boolean sawFailure = newestFirst.stream().anyMatch(e -> STEP_FAILURES.contains(e.type()));
        boolean pastFailure = !sawFailure;
        for (HistoryEvent event : newestFirst) {
            if (STEP_FAILURES.contains(event.type())) {
                pastFailure = true;
            } else if (pastFailure && event.stateEnteredEventDetails() != null) {
                return Optional.of(event.stateEnteredEventDetails().name());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> namedStep(HistoryEvent failState) {
        String input = failState.stateEnteredEventDetails() == null ? null : failState.stateEnteredEventDetails().input();
        if (input == null) {
            return Optional.empty();
        }
        try {
            JsonNode step = Json.MAPPER.readTree(input).path("error").path("Step");
            return step.isTextual() ? nonBlank(step.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
