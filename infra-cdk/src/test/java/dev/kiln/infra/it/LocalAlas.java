package dev.kiln.infra.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Amazon Linux security center on this machine while a test runs: the AL2023 feed (as the
 * published one is shaped, with the items a test puts in it; ETag and If-None-Match as a real site)
 * and each advisory's page (the published ALAS-2023-126 page with the test's id, package and
 * releasever). The local cloud's Kiln configuration points {@code advisories.siteUrl} here.
 */
final class LocalAlas implements AutoCloseable {

    /** The port scripts/lib/local_config.py gives the local deployment as its ALAS site. */
    static final int PORT = 9798;

    /** One request as the site saw it. */
    record Request(String path, String ifNoneMatch) {
    }

    private final HttpServer server;
    private volatile String feed = rss("");
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalAlas() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** From now on the feed lists these items (newest first, as ALAS does) and serves their pages. */
    void list(List<Advisory> advisories) throws IOException {
        StringBuilder items = new StringBuilder();
        for (Advisory advisory : advisories) {
            String page = advisory.feedId() + ".html";
            items.append("\n    <item>\n        <title>").append(advisory.feedId()).append(" (").append(advisory.severity())
                    .append("): ").append(advisory.pkg()).append("</title>\n        <description>\n            ")
                    .append(advisory.cve()).append("\n        </description>\n        <pubDate>").append(advisory.pubDate())
                    .append("</pubDate>\n        <guid>https://alas.aws.amazon.com/AL2023/").append(page)
                    .append("</guid>\n        <link>https://alas.aws.amazon.com/AL2023/").append(page).append("</link>\n    </item>\n");
            pages.put("/AL2023/" + page, publishedPage()
                    .replace("ALAS2023-2023-126", advisory.id())
                    .replace("device-mapper-multipath --releasever=2023.0.20230308", advisory.pkg() + " --releasever=" + advisory.releasever())
                    .replace("<p>device-mapper-multipath</p>", "<p>" + advisory.pkg() + "</p>"));
        }
        feed = rss(items.toString());
    }

    /** From now on the feed is this document, whatever it is. */
    void serveRaw(String document) {
        feed = document;
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** One advisory: its id in the feed (ALAS-…) and on its page (ALAS2023-…). */
    record Advisory(String feedId, String id, String severity, String pkg, String cve, String pubDate, String releasever) {
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(path, exchange.getRequestHeaders().getFirst("If-None-Match")));
        if (path.equals("/AL2023/alas.rss")) {
            String document = feed;
            String etag = "\"" + sha256(document) + "\"";
            exchange.getResponseHeaders().add("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                LocalHttp.reply(exchange, 304, new byte[0]);
            } else {
                LocalHttp.reply(exchange, 200, document.getBytes(StandardCharsets.UTF_8));
            }
        } else if (pages.containsKey(path)) {
            LocalHttp.reply(exchange, 200, pages.get(path).getBytes(StandardCharsets.UTF_8));
        } else {
            LocalHttp.reply(exchange, 404, "<html><body><h1>Not Found</h1></body></html>".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String rss(String items) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
                + " xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n    <title>Amazon Linux 2023 Security Bulletins</title>\n"
                + "    <description>Amazon Linux 2023 Security Bulletins</description>\n    <link>https://alas.aws.amazon.com</link>\n"
                + "    <language>en-us</language>\n    <ttl>35</ttl>\n" + items + "</channel>\n</rss>\n";
    }

    /** The published page, from advisory-feed's fixtures. */
    private static String publishedPage() throws IOException {
        return Files.readString(Synthesized.layout().root()
                .resolve("functions/advisory-feed/src/test/resources/alas/advisories/AL2023-ALAS-2023-126.vunnel.html"));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
