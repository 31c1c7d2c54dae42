package dev.kiln.notify;

import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** {@link ExecutionHistory} from the Step Functions API. */
public final class StepFunctionsExecutionHistory implements ExecutionHistory {

    // the last state entered is among the final events of a failed execution
    private static final int EVENTS_TO_READ = 50;

    private final SfnClient stepFunctions;

    public StepFunctionsExecutionHistory(SfnClient stepFunctions) {
        this.stepFunctions = stepFunctions;
    }

    @Override
    public FailureDetails describe(String executionArn) {
        DescribeExecutionResponse execution = stepFunctions.describeExecution(r -> r.executionArn(executionArn));
        Optional<String> lastState = stepFunctions
                .getExecutionHistory(r -> r.executionArn(executionArn).reverseOrder(true).maxResults(EVENTS_TO_READ))
                .events().stream()
                .filter(event -> event.stateEnteredEventDetails() != null)
                .map(HistoryEvent::stateEnteredEventDetails)
                .map(details -> details.name())
                .findFirst();
        return new FailureDetails(nonBlank(execution.error()), nonBlank(execution.cause()), lastState);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
