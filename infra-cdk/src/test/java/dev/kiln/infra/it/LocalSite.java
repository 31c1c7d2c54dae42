package dev.kiln.infra.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.Synthesized;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One of the outside world's sites (GitHub's API, the ALAS site) on this machine while a test runs: the same
 * local fakes the demo uses (scripts/lib/local_fakes.py), as a process of the test's own, steered through the
 * site's /_kiln/ paths. The process ends with the test: closed, or when its standard input closes.
 */
final class LocalSite implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final String control;

    /** Starts the site ({@code github} or {@code alas}) and waits until it serves on {@code port}. */
    LocalSite(String kind, int port) throws IOException {
        process = new ProcessBuilder("python3", Synthesized.layout().root().resolve("scripts/lib/local_fakes.py").toString(), kind)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String ready = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (ready == null) {
            throw new IOException("the local " + kind + " site did not start (is port " + port + " taken?)");
        }
        control = "http://127.0.0.1:" + port + "/_kiln/";
    }

    /** Sends {@code body} as JSON to the site's /_kiln/{@code path} ({@code method}: POST or PUT). */
    void send(String method, String path, Object body) {
        call(HttpRequest.newBuilder(URI.create(control + path)).method(method, HttpRequest.BodyPublishers.ofString(write(body))));
    }

    /** What the site's /_kiln/{@code path} answers. */
    JsonNode get(String path) {
        return call(HttpRequest.newBuilder(URI.create(control + path)).GET());
    }

    private static JsonNode call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the site and waits until it has let go of its port, which the next test's site takes. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
