package dev.kiln.infra.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of GitHub's API that bakes use, on this machine while a test runs: the tarball of a commit
 * of example-org/fleet ({@code GET /repos/example-org/fleet/tarball/<sha>}, answered with a redirect to
 * the archive as GitHub does), for the commits a test registers; 404 for any other. The local cloud's
 * Kiln configuration points its {@code repository.apiUrl} here (scripts/lib/local_config.py).
 */
final class LocalGitHub implements AutoCloseable {

    /** The port scripts/lib/local_config.py gives the local deployment as its GitHub API. */
    static final int PORT = 9797;
    private static final Pattern TARBALL = Pattern.compile("/repos/example-org/fleet/tarball/([0-9a-f]{40})");
    private static final Pattern ARCHIVE = Pattern.compile("/codeload/example-org/fleet/legacy.tar.gz/([0-9a-f]{40})");

    /** One request for a commit's tarball as the API saw it. */
    record Request(String sha, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, byte[]> commits = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalGitHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** From now on, the API has {@code sha}: examples/fleet as its tarball. */
    void serve(Path fleet, String sha) throws IOException, InterruptedException {
        commits.put(sha, Files.readAllBytes(SourceBundles.tarball(fleet, sha)));
    }

    /** The tarball requests the API got for {@code sha}. */
    List<Request> requestsFor(String sha) {
        return requests.stream().filter(request -> request.sha().equals(sha)).toList();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher tarball = TARBALL.matcher(path);
        Matcher archive = ARCHIVE.matcher(path);
        if (tarball.matches()) {
            requests.add(new Request(tarball.group(1), exchange.getRequestHeaders().getFirst("Authorization")));
            if (commits.containsKey(tarball.group(1))) {
                exchange.getResponseHeaders().add("Location", "/codeload/example-org/fleet/legacy.tar.gz/" + tarball.group(1));
                LocalHttp.reply(exchange, 302, new byte[0]);
                return;
            }
        } else if (archive.matches() && commits.containsKey(archive.group(1))) {
            LocalHttp.reply(exchange, 200, commits.get(archive.group(1)));
            return;
        }
        LocalHttp.reply(exchange, 404, "{\"message\":\"Not Found\"}".getBytes());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
