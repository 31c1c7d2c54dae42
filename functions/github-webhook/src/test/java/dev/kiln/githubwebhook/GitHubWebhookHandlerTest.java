package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.testing.EmfRecords;
import dev.kiln.common.testing.FakeContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubWebhookHandlerTest {

    private static final String SECRET = "the webhook's secret";

    private final Fakes.PushEvents events = new Fakes.PushEvents();
    private final GitHubWebhookHandler handler = new GitHubWebhookHandler(new WebhookService(
            new Fakes.Secrets(SECRET), new Fakes.Deliveries(), events,
            () -> Samples.config("baxterthehacker/public-repo", "changes")));

    /** A Function URL request (payload format 2.0) carrying GitHub's ping, signed with {@code signature}. */
    private int handle(String delivery, String signature) throws Exception {
        byte[] body = Samples.bytes("github/ping.json");
        ObjectNode event = Json.MAPPER.createObjectNode();
        ObjectNode headers = event.putObject("headers")
                .put("content-type", "application/json").put("x-github-event", "ping").put("x-github-delivery", delivery);
        if (signature != null) {
            headers.put("x-hub-signature-256", signature.equals("sign") ? Signature.sign(SECRET, body) : signature);
        }
        event.put("body", new String(body, StandardCharsets.UTF_8)).put("isBase64Encoded", false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), output,
                new FakeContext("kiln-github-webhook"));
        JsonNode response = Json.MAPPER.readTree(output.toByteArray());
        return response.get("statusCode").asInt();
    }

    @Test
    void shouldCountEveryRequestRefusedForItsSignatureAndNoOther() throws Exception {
        // given: one signed, one signed with another secret, one unsigned
        List<Integer> statuses = new ArrayList<>();

        // when
        List<EmfRecords.Metric> metrics = EmfRecords.during(() -> {
            statuses.add(handle("d-1", "sign"));
            statuses.add(handle("d-2", Signature.sign("a probe's guess", Samples.bytes("github/ping.json"))));
            statuses.add(handle("d-3", null));
        });

        // then
        assertThat(statuses).containsExactly(200, 401, 401);
        EmfRecords.Metric refused = new EmfRecords.Metric("Kiln", "WebhookRefusals", "Count", Map.of("Reason", "signature"), 1);
        assertThat(metrics).containsExactly(refused, refused);
    }
}
