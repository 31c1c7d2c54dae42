package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.testing.FakeContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonHandlerTest {

    /** A handler as every function's is built: parse the payload, answer it. */
    static final class Echo extends JsonHandler<byte[], String> {
        Echo() {
            super(payload -> payload, payload -> "read " + payload.length + " bytes");
        }
    }

    @Test
    void shouldPrimeJacksonWithEveryKindOfJsonValueBeforeASnapshot() {
        Map<String, Object> primed = JsonHandler.prime();

        assertThat(primed).containsEntry("text", "a").containsEntry("number", 1.5).containsEntry("whole", 2)
                .containsEntry("yes", true).containsEntry("none", null).containsEntry("time", "2026-01-01T00:00:00Z");
        assertThat(primed.get("list")).isEqualTo(List.of(1, "b", Map.of("nested", List.of())));
    }

    @Test
    void shouldAnswerAfterTheSnapshotHooksRanAsBefore() throws Exception {
        Echo handler = new Echo();
        handler.beforeCheckpoint(null);
        handler.afterRestore(null);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        handler.handleRequest(new java.io.ByteArrayInputStream("{}".getBytes()), out, new FakeContext("kiln-echo"));

        assertThat(out.toString()).isEqualTo("\"read 2 bytes\"");
    }
}
