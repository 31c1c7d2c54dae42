package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of arbitrary deliveries through the handler, from a fixed seed so a failure repeats:
 * bodies that are noise, broken JSON or GitHub's push with its fields scrambled; headers present,
 * missing or wrong; plain, base64 and form encodings; signatures right, wrong or absent. The handler
 * never throws, never answers 5xx, and emits an event only for a body signed with the secret.
 */
class WebhookFuzzTest {

    private static final String SECRET = "fuzz secret";
    private static final int CASES = 5_000;
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 401, 409, 413);
    private static final JsonNode PUSH = Samples.json("github/push.json");

    private final Random random = new Random(20261122L);
    private final Fakes.PushEvents events = new Fakes.PushEvents();
    private final WebhookService service = new WebhookService(
            new Fakes.Secrets(SECRET), new Fakes.Deliveries(), events,
            () -> Samples.config("baxterthehacker/public-repo", "changes"));

    @Test
    void shouldNeverFailOrEmitWithoutAValidSignatureWhateverArrives() throws Exception {
        Map<Integer, Integer> seen = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            byte[] payload = payload();
            boolean form = random.nextInt(4) == 0;
            byte[] body = form ? ("payload=" + URLEncoder.encode(new String(payload, StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8) : payload;
            int signing = random.nextInt(4);
            String signature = switch (signing) {
                case 0, 1 -> Signature.sign(SECRET, body);
                case 2 -> Signature.sign("another secret", body);
                default -> random.nextBoolean() ? null : "sha256=" + "0".repeat(random.nextInt(70));
            };
            boolean base64 = random.nextInt(3) == 0;
            ObjectNode event = Json.MAPPER.createObjectNode();
            ObjectNode headers = event.putObject("headers");
            headers.put(randomCase("content-type"), form ? "application/x-www-form-urlencoded" : pick("application/json", "text/plain"));
            if (signature != null) {
                headers.put(randomCase("x-hub-signature-256"), signature);
            }
            if (random.nextInt(10) > 0) {
                headers.put(randomCase("x-github-event"), pick("push", "push", "push", "ping", "issues", "", "PUSH"));
            }
            if (random.nextInt(10) > 0) {
                headers.put(randomCase("x-github-delivery"), pick("d-" + i, "d-" + random.nextInt(50), "../../etc", "\u0000"));
            }
            String text = base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8);
            if (base64 && random.nextInt(20) == 0) {
                text = "%%not base64%%";
            }
            if (random.nextInt(500) == 0) {
                text = "x".repeat(WebhookService.MAX_BODY_BYTES + random.nextInt(1000));
            }
            if (random.nextInt(50) != 0) {
                event.put("body", text);
            }
            event.put("isBase64Encoded", base64);
            byte[] raw = random.nextInt(100) == 0 ? noise() : Json.MAPPER.writeValueAsBytes(event);

            int emittedBefore = events.emitted.size();
            Ports.Answer answer = GitHubWebhookHandler.reply(service, raw);

            assertThat(answer.status()).as("case %d: %s", i, answer.body()).isIn(ANSWERS);
            seen.merge(answer.status(), 1, Integer::sum);
            assertThat(Json.MAPPER.readTree(answer.body()).isObject()).as("case %d answers JSON", i).isTrue();
            if (events.emitted.size() > emittedBefore) {
                assertThat(signing).as("case %d emitted an event", i).isLessThan(2);
            }
        }
        // the generator reaches every kind of answer, not only the refusals
        System.out.println("Fuzzed " + CASES + " deliveries; answers by status: " + seen);
        assertThat(seen.keySet()).containsAll(Set.of(200, 202, 400, 401, 413));
        // a redelivered id answers 202 again without emitting
        assertThat(events.emitted.size()).isGreaterThan(CASES / 100).isLessThanOrEqualTo(seen.get(202));
    }

    private byte[] payload() {
        return switch (random.nextInt(5)) {
            case 0 -> noise();
            case 1 -> Json.MAPPER.createObjectNode().put("zen", "Keep it logically awesome.").toString().getBytes(StandardCharsets.UTF_8);
            case 2 -> {
                String push = PUSH.toString();
                yield push.substring(0, random.nextInt(push.length())).getBytes(StandardCharsets.UTF_8);
            }
            default -> scramble(PUSH.deepCopy()).toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    // replaces a few fields of GitHub's push, at any depth, with values of other kinds
    private JsonNode scramble(JsonNode push) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(push, objects);
        int changes = random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                continue;
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(6)) {
                case 0 -> target.remove(name);
                case 1 -> target.putNull(name);
                case 2 -> target.put(name, random.nextInt());
                case 3 -> target.put(name, new String(noise(), StandardCharsets.UTF_8));
                case 4 -> target.putArray(name).add(random.nextBoolean());
                default -> target.put(name, "roles/web/" + random.nextInt(9));
            }
        }
        if (random.nextInt(4) == 0) {
            ((ObjectNode) push).put("ref", pick("refs/heads/changes", "refs/tags/changes", "refs/heads/main"));
        }
        return push;
    }

    private static void collect(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode object) {
            objects.add(object);
        }
        if (node instanceof ObjectNode || node instanceof ArrayNode) {
            node.forEach(child -> collect(child, objects));
        }
    }

    private byte[] noise() {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private String randomCase(String name) {
        StringBuilder result = new StringBuilder();
        for (char c : name.toCharArray()) {
            result.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return result.toString();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }
}
