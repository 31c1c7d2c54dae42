package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsCommandTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e";
    private static final String SEND = "{\"DocumentName\":\"AWS-RunShellScript\",\"OutputS3BucketName\":\"kiln-artifacts\","
            + "\"OutputS3KeyPrefix\":\"logs/web/web-0d1a26e-1/provision\"}";

    private final Operator operator = new Operator();

    private void failedBake() {
        operator.cloud.executions.put(EXECUTION, new Cloud.Execution(EXECUTION, "FAILED", "{}", "Kiln.CommandFailed",
                "the playbook failed on the builder", null, FakeCloud.START, FakeCloud.START.plusSeconds(95)));
        operator.cloud.histories.put(EXECUTION, List.of(
                FakeCloud.entered("Plan", 1),
                FakeCloud.entered("ProvisionSend", 30),
                new Cloud.Event("TaskScheduled", null, FakeCloud.START.plusSeconds(30), null, null, SEND),
                FakeCloud.entered("ProvisionCheck", 60),
                new Cloud.Event("TaskFailed", null, FakeCloud.START.plusSeconds(61), "SSM.ThrottlingException", "slow down", null),
                FakeCloud.entered("ProvisionCheck", 63),
                new Cloud.Event("TaskFailed", null, FakeCloud.START.plusSeconds(64), "Kiln.CommandFailed", "exit code 2", null),
                FakeCloud.entered("Cleanup", 65),
                new Cloud.Event("TaskFailed", null, FakeCloud.START.plusSeconds(66), "EC2.EC2Exception", "already terminated", null),
                FakeCloud.entered("Failed", 95)));
    }

    @Test
    void shouldFindAnExecutionByNameAndSayTheStepThatFailedAndWhereItsCommandsOutputIs() {
        failedBake();

        assertThat(operator.kiln("logs", "web-0d1a26e")).isZero();

        assertThat(operator.out.toString()).isEqualTo("""
                kiln: web-0d1a26e (kiln-bake): FAILED after 01:35
                  failed step:    ProvisionCheck
                  error:          Kiln.CommandFailed
                  cause:          the playbook failed on the builder
                  command output: s3://kiln-artifacts/logs/web/web-0d1a26e-1/provision
                """);
    }

    @Test
    void shouldGiveTheSameAsJsonForScripts() throws Exception {
        failedBake();

        assertThat(operator.kiln("--output", "json", "logs", EXECUTION)).isZero();

        JsonNode result = Json.MAPPER.readTree(operator.out.toString());
        assertThat(result.path("failedStep").asText()).isEqualTo("ProvisionCheck");
        assertThat(result.path("error").asText()).isEqualTo("Kiln.CommandFailed");
        assertThat(result.path("commandOutput").get(0).asText()).isEqualTo("s3://kiln-artifacts/logs/web/web-0d1a26e-1/provision");
    }

    @Test
    void shouldNameTheStateThatDeclaredTheFailureWhenNoTaskRaisedIt() {
        String arn = "arn:aws:states:us-east-1:000000000000:execution:kiln-blue-green:cli-web-1";
        operator.cloud.executions.put(arn, new Cloud.Execution(arn, "FAILED", "{}", "Kiln.SmokeChecksFailed", "the smoke checks ended Failed",
                null, FakeCloud.START, FakeCloud.START.plusSeconds(50)));
        operator.cloud.histories.put(arn, List.of(FakeCloud.entered("SmokeCheck", 40), pass("SmokeFailed", 41),
                FakeCloud.entered("TearDown", 42), FakeCloud.entered("Failed", 50)));

        assertThat(operator.kiln("logs", arn)).isZero();

        assertThat(operator.out.toString()).contains("  failed step:    SmokeFailed\n", "  command output: (it ran no command on an instance)");
    }

    @Test
    void shouldNameTheTaskThatFailedNotTheTaskThatToldOfTheFailure() {
        String arn = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:cli-base-1";
        operator.cloud.executions.put(arn, new Cloud.Execution(arn, "FAILED", "{}", "Kiln.SourceBundleMissing",
                "cannot fetch the source bundle", null, FakeCloud.START, FakeCloud.START.plusSeconds(300)));
        operator.cloud.histories.put(arn, List.of(FakeCloud.entered("SourceFetch", 3),
                new Cloud.Event("TaskFailed", null, FakeCloud.START.plusSeconds(290), "GitHubUnavailableException", "refused", null),
                pass("SourceBundleMissing", 291), FakeCloud.entered("Cleanup", 292), FakeCloud.entered("EmitBakeFailed", 295),
                FakeCloud.entered("BakeFailed", 300)));

        assertThat(operator.kiln("logs", arn)).isZero();

        assertThat(operator.out.toString()).contains("  failed step:    SourceFetch\n");
    }

    private static Cloud.Event pass(String state, int seconds) {
        return new Cloud.Event("PassStateEntered", state, FakeCloud.START.plusSeconds(seconds), null, null, null);
    }

    @Test
    void shouldNameKilnsWorkflowsWhenNoExecutionHasThatName() {
        assertThat(operator.kiln("logs", "web-nope")).isEqualTo(2);
        assertThat(operator.err.toString()).contains("kiln: no execution named web-nope in Kiln's 5 workflows (kiln-announce, kiln-bake, kiln-blue-green, kiln-patch, kiln-rotate)");
    }
}
