package dev.kiln.notify;

/** Reads what Step Functions recorded about an execution. */
public interface ExecutionHistory {

    /**
     * The execution's error, cause and last entered state.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when Step Functions cannot be asked
     */
    FailureDetails describe(String executionArn);
}
