package dev.kiln.infra.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A Function URL of the local cloud, where a browser can reach it. The local cloud gives a function the address
 * {@code http://<url-id>.lambda-url.<region>.127.0.0.1:4566/} and routes requests by their Host header; no resolver
 * knows that host, and a browser refuses it (a host whose last label is a number must be an IPv4 address). This
 * forwards {@code http://127.0.0.1:<port>/<path>?<query>} to the local cloud with the function's Host header, and
 * the answer back, as AWS's front door would.
 */
final class FunctionUrlForwarder implements AutoCloseable {

    /** What a page's answer carries that a browser acts on. */
    private static final List<String> ANSWER_HEADERS = List.of("content-type", "content-security-policy", "cache-control",
            "referrer-policy", "x-content-type-options", "x-frame-options", "location");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String host;

    private FunctionUrlForwarder(String host) throws IOException {
        this.host = host;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A forwarder to the function whose URL {@code link} is (its query and path do not matter). */
    static FunctionUrlForwarder to(String link) throws IOException {
        return new FunctionUrlForwarder(link.replaceFirst("^https?://", "").replaceFirst("[:/?].*$", ""));
    }

    /** {@code link}, on the forwarder: the same path and query. */
    String address(String link) {
        String rest = link.replaceFirst("^https?://[^/?]*", "");
        return "http://127.0.0.1:" + server.getAddress().getPort() + (rest.startsWith("/") ? rest : "/" + rest);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            URI asked = exchange.getRequestURI();
            byte[] body = in.readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(LocalCloud.endpoint().resolve(asked.getRawPath()
                            + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery())))
                    .header("Host", host).timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                request.header("Content-Type", type);
            }
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (String header : ANSWER_HEADERS) {
                answer.headers().firstValue(header).ifPresent(value -> exchange.getResponseHeaders().add(header, value));
            }
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
