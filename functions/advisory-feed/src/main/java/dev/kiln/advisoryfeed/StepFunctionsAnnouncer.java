package dev.kiln.advisoryfeed;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Announces through the {@code announce} state machine, which puts {@code Security Advisory Published}
 * on Kiln's bus. Its execution names are unique (for 90 days after an execution ends, longer than
 * any retry), so a second start under the same name announces nothing: that is what makes an
 * announcement happen once even when the function dies right after it.
 */
record StepFunctionsAnnouncer(SfnClient stepFunctions, String stateMachineArn) implements Ports.Announcer {

    @Override
    public boolean announce(String name, String detail) {
        try {
            stepFunctions.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(detail));
            return true;
        } catch (ExecutionAlreadyExistsException announced) {
            return false;
        }
    }
}
