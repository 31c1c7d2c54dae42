package dev.kiln.launchguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.EmfRecords;
import dev.kiln.common.testing.FakeContext;
import dev.kiln.common.testing.InMemoryFailedLaunchLedger;
import dev.kiln.launchguard.errors.InvalidLaunchFailureException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchGuardHandlerTest {

    private final InMemoryFailedLaunchLedger ledger = new InMemoryFailedLaunchLedger();
    private final LaunchGuardHandler handler = new LaunchGuardHandler(new LaunchGuardService(
            () -> KilnConfigJson.read(read("examples", "kiln.json")), ledger, group -> { }, (subject, message) -> "message-1"));

    private static String read(String... path) {
        try {
            return Files.readString(Path.of(System.getProperty("kiln.root"), path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String handle(String payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), output,
                new FakeContext("kiln-launch-guard"));
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerWhatBecameOfTheFailureLaunchReported() throws Exception {
        String event = read("events", "aws.autoscaling", "launch-lifecycle-action.json");

        String answer = handle("{\"event\": " + event + ", \"executionArn\": \"arn:aws:states:us-east-1:000000000000:"
                + "execution:kiln-launch:l-1\", \"state\": {\"error\": {\"Error\": \"Kiln.SsmTimedOut\", \"Cause\": \"offline\"}}}");

        assertThat(answer).isEqualTo("{\"outcome\":\"counted\",\"group\":\"my-asg\",\"count\":1,\"suspendAfter\":5,"
                + "\"reason\":null,\"messageId\":null}");
        assertThat(ledger.items.get("my-asg").lastFailure()).isEqualTo("Kiln.SsmTimedOut: offline");
    }

    @Test
    void shouldCountEachAbandonedLaunchOnceAsAnEmbeddedMetric() throws Exception {
        // given
        String payload = "{\"event\": " + read("events", "aws.autoscaling", "launch-lifecycle-action.json")
                + ", \"executionArn\": \"arn:aws:states:us-east-1:000000000000:execution:kiln-launch:l-1\","
                + " \"state\": {\"error\": {\"Error\": \"Kiln.SsmTimedOut\", \"Cause\": \"offline\"}}}";

        // when: the execution reports its failure twice (a retried task)
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> {
            handle(payload);
            handle(payload);
        });

        // then
        assertThat(metrics).containsExactly(
                new EmfRecords.Metric("Kiln", "LifecycleActions", "Count", Map.of("Result", "ABANDON"), 1));
    }

    @Test
    void shouldRefuseAPayloadThatIsNotJsonCountingNothing() throws Exception {
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> assertThatThrownBy(() -> handle("{not json"))
                .isInstanceOf(InvalidLaunchFailureException.class).hasMessageStartingWith("the payload is not JSON"));

        assertThat(ledger.items).isEmpty();
        assertThat(metrics).isEmpty();
    }
}
