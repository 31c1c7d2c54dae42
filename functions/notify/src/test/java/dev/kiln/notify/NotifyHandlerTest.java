package dev.kiln.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.testing.FakeContext;
import dev.kiln.notify.Fakes.RecordingTopic;
import dev.kiln.notify.Fakes.ScriptedHistory;
import dev.kiln.notify.errors.MalformedEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotifyHandlerTest {

    private final RecordingTopic topic = new RecordingTopic();
    private final NotifyHandler handler = new NotifyHandler(
            new NotifyService(topic, new ScriptedHistory(arn -> FailureDetails.UNKNOWN), "kiln-"));

    @Test
    void shouldAnswerWithWhatItDidAsJson() throws Exception {
        // given
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        // when
        handler.handleRequest(new ByteArrayInputStream(Samples.event("aws.states/execution-aborted.json")),
                output, new FakeContext("kiln-notify"));

        // then
        assertThat(output.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"published\":true,\"reason\":\"published\",\"messageId\":\"message-1\"}");
        assertThat(topic.published).hasSize(1);
    }

    @Test
    void shouldFailTheInvocationWithATypedErrorForAMalformedEvent() {
        assertThatThrownBy(() -> handler.handleRequest(
                new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new FakeContext("kiln-notify")))
                .isInstanceOf(MalformedEventException.class);
        assertThat(topic.published).isEmpty();
    }

    @Test
    void shouldRefuseToStartWhenItsSettingsAreMissing() {
        assertThatThrownBy(() -> Config.fromEnv(java.util.Map.of("TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:t")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("STATE_MACHINE_PREFIX is not set: the function's deployment must provide it");
    }
}
