package dev.kiln.infra.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real browser for the tests: Debian's headless Chromium (chromium-headless-shell, which scripts/headless-browser
 * installs), driven through the Chrome DevTools Protocol over its WebSocket. It opens a page, reads its text, presses
 * a button with the mouse and keeps screenshots. One tab; closing it ends the browser.
 */
final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    private Browser(Process process, Path profile, WebSocket.Builder sockets, URI page) throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = sockets.buildAsync(page, new Listener()).get(STEP.toSeconds(), TimeUnit.SECONDS);
        call("Page.enable", JSON.createObjectNode());
    }

    /** Starts the browser, with a fresh profile and a window of 1000 × 900 pixels. */
    static Browser start() throws Exception {
        String binary = Optional.ofNullable(System.getenv("KILN_CHROMIUM")).orElse("chromium-headless-shell");
        Path profile = Files.createTempDirectory("kiln-browser");
        Process process;
        try {
            process = new ProcessBuilder(binary, "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                    "--window-size=1000,900", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                    .redirectErrorStream(true).redirectOutput(profile.resolve("browser.log").toFile()).start();
        } catch (IOException notThere) {
            throw new IllegalStateException(binary + " did not start: run scripts/headless-browser, or set KILN_CHROMIUM", notThere);
        }
        // Chromium writes the port it listens on, and the browser's WebSocket path, once it is up
        Path active = profile.resolve("DevToolsActivePort");
        List<String> port = LocalCloud.await("the browser's DevTools port", STEP, () -> {
            try {
                List<String> lines = Files.exists(active) ? Files.readAllLines(active) : List.of();
                return lines.size() == 2 ? Optional.of(lines) : Optional.empty();
            } catch (IOException notYet) {
                return Optional.empty();
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        JsonNode tabs = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get(0) + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode tab : tabs) {
            if (tab.path("type").asText().equals("page")) {
                return new Browser(process, profile, http.newWebSocketBuilder(), URI.create(tab.path("webSocketDebuggerUrl").asText()));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the browser has no tab: " + tabs);
    }

    /** Opens the address and waits until the page has loaded. */
    void open(String address) {
        events.clear();
        JsonNode navigated = call("Page.navigate", JSON.createObjectNode().put("url", address));
        if (navigated.hasNonNull("errorText")) {
            throw new IllegalStateException("the browser could not open " + address + ": " + navigated.path("errorText").asText());
        }
        awaitLoad();
    }

    /** The page's text, as a person reads it. */
    String text() {
        return evaluate("document.body.innerText").asText();
    }

    /** Presses the element (a button, say) with the mouse, in its middle, and waits for the page it leads to. */
    void press(String selector) {
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + JSON.valueToTree(selector) + ");"
                + " if (!e) return null; e.scrollIntoView(); const r = e.getBoundingClientRect();"
                + " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        if (box.isNull()) {
            throw new IllegalStateException("the page has no " + selector + ": " + text());
        }
        events.clear();
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type).put("x", box.path("x").asDouble())
                    .put("y", box.path("y").asDouble()).put("button", "left").put("clickCount", 1));
        }
        awaitLoad();
    }

    /** Keeps a screenshot of the whole page as a PNG file. */
    Path screenshot(Path file) throws IOException {
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        return Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(profile)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        }
    }

    private JsonNode evaluate(String expression) {
        JsonNode evaluated = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (evaluated.has("exceptionDetails")) {
            throw new IllegalStateException("the page could not evaluate " + expression + ": " + evaluated.path("exceptionDetails"));
        }
        return evaluated.path("result").path("value");
    }

    private void awaitLoad() {
        Instant deadline = Instant.now().plus(STEP);
        try {
            while (Instant.now().isBefore(deadline)) {
                JsonNode event = events.poll(1, TimeUnit.SECONDS);
                if (event != null && event.path("method").asText().equals("Page.loadEventFired")) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the page did not load in " + STEP.toSeconds() + " s");
    }

    private JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        socket.sendText(JSON.createObjectNode().put("id", id).put("method", method).set("params", params).toString(), true).join();
        try {
            JsonNode message = answer.get(STEP.toSeconds(), TimeUnit.SECONDS);
            if (message.has("error")) {
                throw new IllegalStateException(method + " failed: " + message.path("error"));
            }
            return message.path("result");
        } catch (Exception e) {
            throw e instanceof IllegalStateException refused ? refused : new IllegalStateException(method + " had no answer", e);
        } finally {
            answers.remove(id);
        }
    }

    /** Sorts what the browser says into answers (by id) and events. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.has("id")) {
                        Optional.ofNullable(answers.get(message.path("id").asInt())).ifPresent(a -> a.complete(message));
                    } else {
                        events.add(message);
                    }
                } catch (IOException notJson) {
                    throw new IllegalStateException("the browser said something that is not JSON: " + partial, notJson);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
