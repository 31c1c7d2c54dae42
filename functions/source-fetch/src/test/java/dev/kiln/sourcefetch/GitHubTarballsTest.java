package dev.kiln.sourcefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.sourcefetch.errors.CommitNotFoundException;
import dev.kiln.sourcefetch.errors.GitHubAccessDeniedException;
import dev.kiln.sourcefetch.errors.ForeignRedirectException;
import dev.kiln.sourcefetch.errors.GitHubUnavailableException;
import dev.kiln.sourcefetch.errors.NotATarballException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub API client against a local server that answers as GitHub's tarball endpoint does. */
class GitHubTarballsTest {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static final byte[] TARBALL = gzip("example-org-fleet-0d1a26e/roles/web/main.yml");

    /** A request as the server saw it: path and the headers that matter here. */
    record Seen(String path, String authorization, String accept, String apiVersion) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile Answer answer;

    @TempDir
    Path temp;

    /** What the API endpoint answers: a status, headers and a body. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v3/repos/example-org/fleet/tarball/", exchange -> {
            record(exchange);
            Answer given = answer;
            given.headers().forEach(exchange.getResponseHeaders()::add);
            reply(exchange, given.status(), given.body());
        });
        server.createContext("/codeload/", exchange -> {
            record(exchange);
            reply(exchange, 200, TARBALL);
        });
        server.start();
        answer = new Answer(302, Map.of("Location", "/codeload/example-org/fleet/legacy.tar.gz/" + SHA), new byte[0]);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void record(HttpExchange exchange) {
        seen.add(new Seen(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Accept"), exchange.getRequestHeaders().getFirst("X-GitHub-Api-Version")));
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private KilnConfig.Repository repository() {
        return new KilnConfig.Repository("example-org", "fleet", "main",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3");
    }

    private long download(Optional<String> token, long maxBytes) {
        return new GitHubTarballs(GitHubTarballs.client(), () -> token, maxBytes)
                .download(repository(), SHA, temp.resolve("bundle.tar.gz"));
    }

    @Test
    void shouldFollowGithubsRedirectToTheTarballWithoutTheToken() throws IOException {
        long bytes = download(Optional.of("ghp_secret"), 1_000_000);

        assertThat(bytes).isEqualTo(TARBALL.length);
        assertThat(Files.readAllBytes(temp.resolve("bundle.tar.gz"))).isEqualTo(TARBALL);
        assertThat(seen).containsExactly(
                new Seen("/api/v3/repos/example-org/fleet/tarball/" + SHA, "Bearer ghp_secret", "application/vnd.github+json",
                        GitHubTarballs.API_VERSION),
                new Seen("/codeload/example-org/fleet/legacy.tar.gz/" + SHA, null, null, null));
    }

    @Test
    void shouldAskWithoutATokenWhenThereIsNone() {
        download(Optional.empty(), 1_000_000);

        assertThat(seen.get(0).authorization()).isNull();
    }

    @Test
    void shouldSayACommitGithubDoesNotHaveIsNotFound() {
        answer = new Answer(404, Map.of(), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000))
                .isInstanceOf(CommitNotFoundException.class)
                .hasMessage("GitHub has no commit " + SHA + " in example-org/fleet (404); for a private repository, "
                        + "the token must be able to read it");
    }

    @Test
    void shouldSayARefusedTokenIsRefused() {
        answer = new Answer(401, Map.of(), "{\"message\":\"Bad credentials\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> download(Optional.of("expired"), 1_000_000)).isInstanceOf(GitHubAccessDeniedException.class);
    }

    @Test
    void shouldTreatServerErrorsAndRateLimitsAsWorthRetrying() {
        answer = new Answer(502, Map.of(), new byte[0]);
        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000)).isInstanceOf(GitHubUnavailableException.class);

        answer = new Answer(403, Map.of("x-ratelimit-remaining", "0"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000))
                .isInstanceOf(GitHubUnavailableException.class).hasMessageContaining("rate limited");
    }

    @Test
    void shouldTreatAnUnreachableApiAsWorthRetrying() {
        server.stop(0);

        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000)).isInstanceOf(GitHubUnavailableException.class);
    }

    @Test
    void shouldRefuseWhatIsNotAGzipTarball() {
        answer = new Answer(200, Map.of(), "<html>Sign in</html>".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000))
                .isInstanceOf(NotATarballException.class).hasMessageContaining("is not a gzip tarball");
    }

    @Test
    void shouldRefuseATarballLargerThanABundleMayBe() {
        assertThatThrownBy(() -> download(Optional.empty(), TARBALL.length - 1))
                .isInstanceOf(NotATarballException.class).hasMessageContaining("is larger than");
    }

    @Test
    void shouldGiveUpOnRedirectsThatGoRoundInCircles() {
        answer = new Answer(302, Map.of("Location", "/api/v3/repos/example-org/fleet/tarball/" + SHA), new byte[0]);

        assertThatThrownBy(() -> download(Optional.empty(), 1_000_000))
                .isInstanceOf(GitHubUnavailableException.class).hasMessageContaining("redirects");
    }

    @Test
    void shouldRefuseARedirectToAHostThatIsNotTheConfiguredGithubsAndDownloadNothing() {
        answer = new Answer(302, Map.of("Location", "http://localhost:" + server.getAddress().getPort()
                + "/codeload/example-org/fleet/legacy.tar.gz/" + SHA), new byte[0]);

        assertThatThrownBy(() -> download(Optional.of("ghp_secret"), 1_000_000))
                .isInstanceOf(ForeignRedirectException.class)
                .hasMessageContaining("redirects to http://localhost, which is not 127.0.0.1's GitHub");
        assertThat(seen).extracting(Seen::path).containsExactly("/api/v3/repos/example-org/fleet/tarball/" + SHA);
        assertThat(temp.resolve("bundle.tar.gz")).doesNotExist();
    }

    static byte[] gzip(String content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
