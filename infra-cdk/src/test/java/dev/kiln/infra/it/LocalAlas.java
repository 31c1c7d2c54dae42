package dev.kiln.infra.it;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The Amazon Linux security center on this machine while a test runs (scripts/lib/local_fakes.py, the demo's
 * too): the AL2023 feed (as the published one is shaped, with the items a test puts in it; ETag and
 * If-None-Match as a real site) and each advisory's page (the published ALAS-2023-126 page with the test's id,
 * package and releasever). The local cloud's Kiln configuration points {@code advisories.siteUrl} here.
 */
final class LocalAlas implements AutoCloseable {

    /** The port scripts/lib/local_config.py gives the local deployment as its ALAS site. */
    static final int PORT = 9798;

    /** One request as the site saw it. */
    record Request(String path, String ifNoneMatch) {
    }

    /** One advisory: its id in the feed (ALAS-…) and on its page (ALAS2023-…). */
    record Advisory(String feedId, String id, String severity, String pkg, String cve, String pubDate, String releasever) {
    }

    private final LocalSite site;

    LocalAlas() throws IOException {
        site = new LocalSite("alas", PORT);
    }

    /** From now on the feed lists these items (newest first, as ALAS does) and serves their pages. */
    void list(List<Advisory> advisories) {
        site.send("PUT", "feed", Map.of("advisories", advisories));
    }

    /** From now on the feed is this document, whatever it is. */
    void serveRaw(String document) {
        site.send("PUT", "feed", Map.of("raw", document));
    }

    List<Request> requests(String path) {
        return StreamSupport.stream(site.get("requests").spliterator(), false)
                .map(request -> new Request(request.path("path").asText(), request.path("ifNoneMatch").textValue()))
                .filter(request -> request.path().equals(path)).toList();
    }

    @Override
    public void close() {
        site.close();
    }
}
