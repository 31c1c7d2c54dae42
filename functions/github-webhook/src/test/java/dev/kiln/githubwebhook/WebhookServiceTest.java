package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook's answers to whole deliveries, built from GitHub's published samples. */
class WebhookServiceTest {

    private static final String SECRET = "It's a Secret to Everybody";
    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private static final byte[] PUSH = Samples.bytes("github/push.json");
    private static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    private final Fakes.Secrets secrets = new Fakes.Secrets(SECRET);
    private final Fakes.Deliveries deliveries = new Fakes.Deliveries();
    private final Fakes.PushEvents events = new Fakes.PushEvents();
    private final WebhookService service = new WebhookService(secrets, deliveries, events,
            () -> Samples.config("baxterthehacker/public-repo", "changes"));

    private static Map<String, String> headers(String event, byte[] body, String secret) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-github-event", event);
        headers.put("x-github-delivery", DELIVERY);
        headers.put("x-hub-signature-256", Signature.sign(secret, body));
        headers.put("user-agent", "GitHub-Hookshot/044aadd");
        return headers;
    }

    private static WebhookRequest json(String event, byte[] body) {
        return new WebhookRequest(headers(event, body, SECRET), new String(body, StandardCharsets.UTF_8), false);
    }

    private static JsonNode body(Ports.Answer answer) throws Exception {
        return Json.MAPPER.readTree(answer.body());
    }

    @Test
    void shouldAcceptASignedPushAndSayWhichRolesItBakes() throws Exception {
        Ports.Answer answer = service.handle(json("push", PUSH), NOW);

        assertThat(answer.status()).isEqualTo(202);
        JsonNode body = body(answer);
        assertThat(body.get("accepted").asBoolean()).isTrue();
        assertThat(body.get("roles")).extracting(JsonNode::asText).containsExactly("docs");
        assertThat(body.get("sha").asText()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
        assertThat(events.emitted).singleElement().satisfies(event -> {
            assertThat(event.repository()).isEqualTo("baxterthehacker/public-repo");
            assertThat(event.ref()).isEqualTo("refs/heads/changes");
            assertThat(event.before()).isEqualTo("9049f1265b7d61be4a8904a9a27120d2064dab3b");
            assertThat(event.after()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
            assertThat(event.roles()).containsExactly("docs");
            assertThat(event.startNow()).containsExactly("docs");
            assertThat(event.changedPaths()).containsExactly("README.md");
            assertThat(event.deliveryId()).isEqualTo(DELIVERY);
            // the sample's repository.pushed_at, 1430869217
            assertThat(event.pushedAt()).isEqualTo("2015-05-05T23:40:17Z");
        });
        assertThat(deliveries.answered).containsEntry(DELIVERY, answer);
    }

    @Test
    void shouldTakeThePushTimeFromKilnsClockWhenThePayloadHasNone() {
        ObjectNode payload = (ObjectNode) Samples.json("github/push.json");
        ((ObjectNode) payload.get("repository")).remove("pushed_at");

        service.handle(json("push", payload.toString().getBytes(StandardCharsets.UTF_8)), NOW);

        assertThat(events.emitted).singleElement().extracting(PushReceived::pushedAt).isEqualTo("2026-11-22T09:00:00Z");
    }

    @Test
    void shouldAnswerARedeliveryAsBeforeAndEmitNothingNew() {
        Ports.Answer first = service.handle(json("push", PUSH), NOW);
        Ports.Answer again = service.handle(json("push", PUSH), NOW.plusSeconds(3600));

        assertThat(again).isEqualTo(first);
        assertThat(events.emitted).hasSize(1);
    }

    @Test
    void shouldAnswerPingWithWhatKilnWatches() throws Exception {
        for (String sample : new String[] {"github/ping.json", "github/ping-organization.json"}) {
            Ports.Answer answer = service.handle(json("ping", Samples.bytes(sample)), NOW);

            assertThat(answer.status()).as(sample).isEqualTo(200);
            assertThat(body(answer).get("reason").asText())
                    .isEqualTo("pong: Kiln hears this webhook and bakes pushes to baxterthehacker/public-repo branch changes");
        }
        assertThat(events.emitted).isEmpty();
        assertThat(deliveries.isEmpty()).isTrue();
    }

    @Test
    void shouldAnswerOtherEventsWithAReasonAndDoNothing() throws Exception {
        Ports.Answer answer = service.handle(json("issues", PUSH), NOW);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(body(answer).get("reason").asText()).isEqualTo("Kiln acts on push events only; this was issues");
        assertThat(events.emitted).isEmpty();
        assertThat(deliveries.isEmpty()).isTrue();
    }

    @Test
    void shouldAnswerAPushThatBakesNothingWith200AndTheReason() throws Exception {
        byte[] tag = Samples.json("github/push.json").deepCopy().toString().replace("refs/heads/changes", "refs/tags/v1")
                .getBytes(StandardCharsets.UTF_8);

        Ports.Answer answer = service.handle(json("push", tag), NOW);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(body(answer).get("accepted").asBoolean()).isFalse();
        assertThat(body(answer).get("reason").asText()).isEqualTo("a tag push (refs/tags/v1): tags bake nothing");
        assertThat(events.emitted).isEmpty();
    }

    @Test
    void shouldAcceptTheSamePushSentAsAForm() {
        byte[] form = ("payload=" + URLEncoder.encode(new String(PUSH, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = headers("push", form, SECRET);
        headers.put("content-type", "application/x-www-form-urlencoded");

        // Lambda hands a form body to the function base64-encoded
        Ports.Answer answer = service.handle(new WebhookRequest(headers, Base64.getEncoder().encodeToString(form), true), NOW);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(events.emitted).singleElement().extracting(PushReceived::roles).asList().containsExactly("docs");
    }

    @Test
    void shouldAcceptAJsonBodyThatArrivesBase64Encoded() {
        Ports.Answer answer = service.handle(new WebhookRequest(headers("push", PUSH, SECRET),
                Base64.getEncoder().encodeToString(PUSH), true), NOW);

        assertThat(answer.status()).isEqualTo(202);
    }

    @Test
    void shouldRefuseAWrongSecretAChangedBodyOrAMissingHeaderWith401AndStoreNothing() {
        byte[] changed = new String(PUSH, StandardCharsets.UTF_8).replace("README.md", "READMF.md").getBytes(StandardCharsets.UTF_8);
        Map<String, String> unsigned = headers("push", PUSH, SECRET);
        unsigned.remove("x-hub-signature-256");
        Map<String, String> sha1Only = headers("push", PUSH, SECRET);
        sha1Only.remove("x-hub-signature-256");
        sha1Only.put("x-hub-signature", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6");

        WebhookRequest[] requests = {
            new WebhookRequest(headers("push", PUSH, SECRET + "!"), new String(PUSH, StandardCharsets.UTF_8), false),
            new WebhookRequest(headers("push", PUSH, SECRET), new String(changed, StandardCharsets.UTF_8), false),
            new WebhookRequest(unsigned, new String(PUSH, StandardCharsets.UTF_8), false),
            new WebhookRequest(sha1Only, new String(PUSH, StandardCharsets.UTF_8), false),
        };
        for (WebhookRequest request : requests) {
            assertThat(service.handle(request, NOW).status()).isEqualTo(401);
        }
        assertThat(events.emitted).isEmpty();
        assertThat(deliveries.isEmpty()).isTrue();
    }

    @Test
    void shouldVerifyAgainstANewlyRotatedSecretAfterReadingItAgain() {
        secrets.rotate("the new secret", SECRET);

        Ports.Answer answer = service.handle(new WebhookRequest(headers("push", PUSH, "the new secret"),
                new String(PUSH, StandardCharsets.UTF_8), false), NOW);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(secrets.refreshes).isEqualTo(1);
    }

    @Test
    void shouldRefuseATooLargeBodyBeforeLookingAtItsSignature() {
        String large = "x".repeat(WebhookService.MAX_BODY_BYTES + 1);

        Ports.Answer answer = service.handle(new WebhookRequest(Map.of(), large, false), NOW);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(secrets.refreshes).isZero();
    }

    @Test
    void shouldRefuseAMalformedSignedPushWith400AndRememberTheAnswer() throws Exception {
        byte[] notJson = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);

        Ports.Answer answer = service.handle(json("push", notJson), NOW);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(body(answer).get("error").asText()).startsWith("the payload is not valid JSON");
        assertThat(events.emitted).isEmpty();
        assertThat(deliveries.answered).containsEntry(DELIVERY, answer);
    }

    @Test
    void shouldRefuseAPushWithoutADeliveryId() {
        Map<String, String> headers = headers("push", PUSH, SECRET);
        headers.remove("x-github-delivery");

        assertThat(service.handle(new WebhookRequest(headers, new String(PUSH, StandardCharsets.UTF_8), false), NOW).status())
                .isEqualTo(400);
        assertThat(events.emitted).isEmpty();
    }

    @Test
    void shouldLetARedeliveryTryAgainWhenEmittingFailed() {
        events.failure = new IllegalStateException("EventBridge refused Push Received");

        assertThatThrownBy(() -> service.handle(json("push", PUSH), NOW)).isSameAs(events.failure);
        assertThat(deliveries.isEmpty()).isTrue();

        events.failure = null;
        assertThat(service.handle(json("push", PUSH), NOW).status()).isEqualTo(202);
        assertThat(events.emitted).hasSize(1);
    }
}
