package dev.kiln.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the command line asks of AWS (AwsCloud); tests answer with a fake. */
interface Cloud {

    /** The stack's outputs by key; empty when there is no such stack. */
    Optional<Map<String, String>> outputs(String stack);

    /** An SSM parameter's value, if it exists. */
    Optional<String> parameter(String name);

    /** Starts an execution of the state machine: its ARN. */
    String start(String stateMachineArn, String name, String input);

    Execution describe(String executionArn);

    /** The states the execution entered so far, in order. */
    List<Step> steps(String executionArn);

    /** Invokes the function and waits for its answer. */
    Invocation invoke(String functionName, String payload);

    /** An execution as DescribeExecution tells it: status RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
    record Execution(String arn, String status, String error, String cause, String output, Instant startedAt, Instant stoppedAt) {
        boolean running() {
            return status.equals("RUNNING") || status.equals("PENDING_REDRIVE");
        }
    }

    /** A state the execution entered, and when. */
    record Step(String state, Instant enteredAt) {
    }

    /** A function's answer; {@code failed} when it threw (its payload then says what). */
    record Invocation(boolean failed, String payload) {
    }
}
