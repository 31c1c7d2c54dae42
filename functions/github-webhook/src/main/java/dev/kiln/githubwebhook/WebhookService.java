package dev.kiln.githubwebhook;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.ConfigSource;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.githubwebhook.Ports.Answer;
import dev.kiln.githubwebhook.errors.MalformedPayloadException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a GitHub webhook delivery. In this order, so that nothing is read, stored or emitted for a
 * request that is not GitHub's: size, signature, event type, then the payload. Nothing slow happens
 * here (no baking, no downloading): the answer comes well within GitHub's ten seconds.
 */
public record WebhookService(Ports.WebhookSecrets secrets, Ports.Deliveries deliveries, Ports.PushEvents events,
                             ConfigSource configs) {

    /** Lambda takes requests up to 6 MB; GitHub's pushes fit in far less. */
    static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9-]{1,100}");

    public Answer handle(WebhookRequest request, Instant now) {
        String raw = request.body() == null ? "" : request.body();
        if ((request.base64() ? raw.length() / 4L * 3 : raw.length()) > MAX_BODY_BYTES) {
            return error(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body;
        if (request.base64()) {
            try {
                body = Base64.getDecoder().decode(raw.strip());
            } catch (IllegalArgumentException e) {
                return error(400, "the body is marked base64 but is not");
            }
        } else {
            body = raw.getBytes(StandardCharsets.UTF_8);
        }
        if (body.length > MAX_BODY_BYTES) {
            return error(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }

        String signature = request.header("x-hub-signature-256");
        if (signature == null) {
            return error(401, "X-Hub-Signature-256 is missing: set the webhook's secret to Kiln's");
        }
        if (!signed(body, signature)) {
            LOG.warn("Webhook request with a signature that does not match; ignored",
                    entry("delivery", String.valueOf(request.header("x-github-delivery"))));
            return error(401, "X-Hub-Signature-256 does not match the body: check the webhook's secret");
        }

        String event = request.header("x-github-event");
        if (event == null || event.isBlank()) {
            return error(400, "X-GitHub-Event is missing");
        }
        if (event.equals("ping")) {
            KilnConfig.Repository watched = configs.current().repository();
            return answer(200, Json.MAPPER.createObjectNode().put("accepted", false).put("reason",
                    "pong: Kiln hears this webhook and bakes pushes to " + watched.fullName() + " branch " + watched.branch()));
        }
        if (!event.equals("push")) {
            return answer(200, Json.MAPPER.createObjectNode().put("accepted", false)
                    .put("reason", "Kiln acts on push events only; this was " + event));
        }
        String delivery = request.header("x-github-delivery");
        if (delivery == null || !DELIVERY.matcher(delivery).matches()) {
            return error(400, "X-GitHub-Delivery is missing or not a delivery id");
        }

        Optional<Answer> earlier = deliveries.claim(delivery, now);
        if (earlier.isPresent()) {
            LOG.info("Delivery seen before; answering as then", entry("delivery", delivery), entry("status", earlier.get().status()));
            return earlier.get();
        }
        Answer answer;
        try {
            answer = push(payload(request, body), delivery, now);
        } catch (MalformedPayloadException e) {
            answer = error(400, e.getMessage());
        } catch (RuntimeException e) {
            deliveries.release(delivery);
            throw e;
        }
        deliveries.finish(delivery, answer, now);
        return answer;
    }

    private Answer push(JsonNode payload, String delivery, Instant now) {
        Push push = Push.parse(payload);
        PushDecision decision = PushDecision.decide(configs.current(), push);
        if (!decision.accepted()) {
            LOG.info("Push bakes nothing", entry("delivery", delivery), entry("reason", decision.reason()));
            return answer(200, Json.MAPPER.createObjectNode().put("accepted", false).put("reason", decision.reason()));
        }
        List<String> paths = decision.changedPaths();
        events.pushReceived(new PushReceived(push.repository(), push.ref(), push.before(), push.after(),
                decision.roles(), decision.startNow(), paths.subList(0, Math.min(paths.size(), PushReceived.PATH_LIMIT)),
                paths.size() > PushReceived.PATH_LIMIT, decision.failSafe(), delivery,
                push.pushedAt().orElse(now).toString()));
        LOG.info("Push accepted", entry("delivery", delivery), entry("sha", push.after()), entry("roles", decision.roles()),
                entry("failSafe", decision.failSafe()));
        ObjectNode body = Json.MAPPER.createObjectNode().put("accepted", true).put("reason", decision.reason())
                .put("sha", push.after()).put("deliveryId", delivery);
        decision.roles().forEach(body.putArray("roles")::add);
        decision.startNow().forEach(body.putArray("startNow")::add);
        return answer(202, body);
    }

    private boolean signed(byte[] body, String signature) {
        if (secrets.candidates().stream().anyMatch(secret -> Signature.verify(secret, body, signature))) {
            return true;
        }
        // the secret may just have been rotated: read it again, once
        return secrets.refresh() && secrets.candidates().stream().anyMatch(secret -> Signature.verify(secret, body, signature));
    }

    // GitHub sends either the JSON itself or, as a form, payload=<the JSON>
    private static JsonNode payload(WebhookRequest request, byte[] body) {
        String contentType = String.valueOf(request.header("content-type")).toLowerCase();
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            text = formField(text, "payload")
                    .orElseThrow(() -> new MalformedPayloadException("the form has no payload field"));
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("the payload is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> formField(String form, String name) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                try {
                    return Optional.of(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new MalformedPayloadException("the form's payload is not URL-encoded properly");
                }
            }
        }
        return Optional.empty();
    }

    private static Answer error(int status, String message) {
        return answer(status, Json.MAPPER.createObjectNode().put("error", message));
    }

    private static Answer answer(int status, ObjectNode body) {
        return new Answer(status, body.toString());
    }
}
