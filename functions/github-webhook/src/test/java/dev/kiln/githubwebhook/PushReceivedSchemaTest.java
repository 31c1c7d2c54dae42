package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachineInputs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The events the webhook emits are what the push state machine takes (statemachines/push.input.schema.json),
 * and so is the sample a person starts it with by hand (events/kiln.github/push-received.json).
 */
class PushReceivedSchemaTest {

    private static final JsonSchema SCHEMA = StateMachineInputs.schema("push");

    private static JsonNode event(PushReceived detail) {
        return StateMachineInputs.event("kiln.github", "Push Received", Json.MAPPER.valueToTree(detail));
    }

    @Test
    void shouldEmitEventsThePushStateMachineTakes() {
        Fakes.PushEvents events = new Fakes.PushEvents();
        WebhookService service = new WebhookService(new Fakes.Secrets("s"), new Fakes.Deliveries(), events,
                () -> Samples.config("Codertocat/Hello-World", "master"));
        byte[] body = Samples.bytes("github/push-new-branch.json");

        service.handle(new WebhookRequest(Map.of("x-github-event", "push", "x-github-delivery", "d-1",
                "x-hub-signature-256", Signature.sign("s", body), "content-type", "application/json"),
                new String(body, StandardCharsets.UTF_8), false), Instant.parse("2026-11-22T09:00:00Z"));

        assertThat(events.emitted).singleElement().satisfies(detail -> {
            assertThat(detail.failSafe()).startsWith("a new branch");
            assertThat(SCHEMA.validate(event(detail))).isEmpty();
        });
    }

    @Test
    void shouldTakeTheSampleAndRefuseAnEventWithoutRolesToStart() {
        JsonNode sample = Samples.json("kiln.github/push-received.json");
        assertThat(SCHEMA.validate(sample)).isEmpty();

        ((ObjectNode) sample.get("detail")).putArray("startNow");
        Set<ValidationMessage> problems = SCHEMA.validate(sample);
        assertThat(problems).extracting(ValidationMessage::getInstanceLocation).map(Object::toString)
                .containsAnyElementsOf(List.of("$.detail.startNow"));
    }
}
