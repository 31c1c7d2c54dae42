package dev.kiln.advisoryfeed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * The ALAS site over HTTPS (plain HTTP only to this machine, for tests, as the configuration allows):
 * bounded connect and answer times, conditional GETs, bodies read up to a limit.
 */
final class HttpSite implements Ports.Site {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final String base;

    HttpSite(String baseUrl) {
        this.base = baseUrl.replaceAll("/+$", "") + "/";
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public Ports.Page get(String path, Optional<Ports.Validators> validators) {
        URI uri = URI.create(base + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT)
                .header("User-Agent", "kiln-advisory-feed")
                .header("Accept", path.endsWith(".rss") ? "application/rss+xml, application/xml, text/xml" : "text/html");
        validators.ifPresent(v -> {
            if (v.etag() != null) {
                request.header("If-None-Match", v.etag());
            }
            if (v.lastModified() != null) {
                request.header("If-Modified-Since", v.lastModified());
            }
        });
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new FeedUnavailableException(uri + " did not answer in " + ANSWER_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new FeedUnavailableException(uri + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedUnavailableException(uri + ": interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 304) {
                return new Ports.Page(304, new byte[0], validators.orElse(null));
            }
            if (response.statusCode() != 200) {
                throw new FeedUnavailableException(uri + " answered " + response.statusCode());
            }
            int limit = path.endsWith(".rss") ? AlasFeedParser.MAX_BYTES : AdvisoryPage.MAX_BYTES;
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new FeedUnavailableException(uri + " is larger than the " + limit + " bytes Kiln reads");
            }
            return new Ports.Page(200, bytes, new Ports.Validators(
                    response.headers().firstValue("ETag").orElse(null),
                    response.headers().firstValue("Last-Modified").orElse(null)));
        } catch (HttpTimeoutException e) {
            throw new FeedUnavailableException(uri + " did not send its body in " + ANSWER_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new FeedUnavailableException(uri + " broke off: " + e, e);
        }
    }
}
