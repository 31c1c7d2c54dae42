package dev.kiln.bluegreencheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreencheck.errors.InvalidCheckPayloadException;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachines;
import org.junit.jupiter.api.Test;

class IdleColourCheckTest {

    /** What the state machine sends: DescribeAutoScalingGroups' group and DescribeTargetHealth's descriptions, as AWS names them. */
    static String payload(String instances, String targets, int desired, String suspended) {
        return """
                {"group": {"AutoScalingGroupName": "web-green", "DesiredCapacity": %d, "Instances": [%s],
                           "SuspendedProcesses": [%s]},
                 "targets": [%s], "desired": %d}""".formatted(desired, instances, suspended, targets, desired);
    }

    static String instance(String id, String state) {
        return """
                {"InstanceId": "%s", "LifecycleState": "%s", "HealthStatus": "Healthy", "AvailabilityZone": "us-west-2a",
                 "LaunchTemplate": {"LaunchTemplateId": "lt-0green00000000001", "Version": "4"}, "ProtectedFromScaleIn": false}"""
                .formatted(id, state);
    }

    static String target(String id, String state, String reason) {
        return """
                {"Target": {"Id": "%s", "Port": 80}, "HealthCheckPort": "80", "TargetHealth": {"State": "%s"%s}}"""
                .formatted(id, state, reason == null ? "" : ", \"Reason\": \"" + reason + "\"");
    }

    private static IdleColourCheck.Answer check(String payload) throws Exception {
        JsonNode answer = StateMachines.invoke(new BlueGreenCheckHandler(), Json.MAPPER.readTree(payload));
        return Json.MAPPER.treeToValue(answer, IdleColourCheck.Answer.class);
    }

    @Test
    void shouldBeReadyWhenEveryInstanceWantedIsInServiceAndHealthyInTheTargetGroup() throws Exception {
        IdleColourCheck.Answer answer = check(payload(instance("i-0b", "InService") + "," + instance("i-0a", "InService"),
                target("i-0a", "healthy", null) + "," + target("i-0b", "healthy", null), 2, ""));

        assertThat(answer.ready()).isTrue();
        assertThat(answer.instances()).containsExactly("i-0a", "i-0b");
        assertThat(answer.status()).isEqualTo("2 of 2 instances in service, 2 healthy in the target group");
        assertThat(answer.problem()).isNull();
    }

    @Test
    void shouldWaitForInstancesStillInTheirLaunchWorkflowOrStillCheckedByTheLoadBalancer() throws Exception {
        IdleColourCheck.Answer answer = check(payload(instance("i-0a", "InService") + "," + instance("i-0b", "Pending:Wait"),
                target("i-0a", "initial", "Elb.InitialHealthChecking"), 2, ""));

        assertThat(answer.ready()).isFalse();
        assertThat(answer.instances()).containsExactly("i-0a");
        assertThat(answer.status()).isEqualTo("1 of 2 instances in service, 0 healthy in the target group; waiting for"
                + " i-0a initial (Elb.InitialHealthChecking), i-0b Pending:Wait");
        assertThat(answer.problem()).isNull();
    }

    @Test
    void shouldNeverBeReadyWithNoInstanceWanted() throws Exception {
        assertThat(check(payload("", "", 0, "")).ready()).isFalse();
    }

    @Test
    void shouldGiveUpWhenTheGroupsLaunchesWereSuspendedForFailingAgainAndAgain() throws Exception {
        IdleColourCheck.Answer answer = check(payload(instance("i-0a", "Pending:Wait"), "", 2,
                "{\"ProcessName\": \"Launch\", \"SuspensionReason\": \"User suspended at 2026-12-07T01:10:00Z\"}"));

        assertThat(answer.ready()).isFalse();
        assertThat(answer.problem()).startsWith("launches of web-green keep failing: its Launch process is suspended");
    }

    @Test
    void shouldRefuseAPayloadWithoutTheGroup() {
        assertThatThrownBy(() -> check("{\"targets\": [], \"desired\": 2}"))
                .isInstanceOf(InvalidCheckPayloadException.class).hasMessage("the payload has no group");
    }
}
