package dev.kiln.sourcefetch;

import dev.kiln.common.config.KilnConfig;
import dev.kiln.sourcefetch.errors.CommitNotFoundException;
import dev.kiln.sourcefetch.errors.ForeignRedirectException;
import dev.kiln.sourcefetch.errors.GitHubAccessDeniedException;
import dev.kiln.sourcefetch.errors.GitHubUnavailableException;
import dev.kiln.sourcefetch.errors.NotATarballException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * GitHub's "download a repository archive (tar)" ({@code GET /repos/{owner}/{repo}/tarball/{ref}}),
 * on github.com or a GitHub Enterprise API URL. The API answers with a redirect to the archive; the
 * redirect is followed here without the token, which is only ever sent to the API itself.
 */
record GitHubTarballs(HttpClient http, Supplier<Optional<String>> token, long maxBytes) implements Ports.Tarballs {

    static final String API_VERSION = "2022-11-28";
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 5;
    private static final Duration WAIT_FOR_ANSWER = Duration.ofSeconds(30);

    static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public long download(KilnConfig.Repository repository, String sha, Path target) {
        URI api = URI.create(repository.apiUrl() + "/repos/" + repository.owner() + "/" + repository.name() + "/tarball/" + sha);
        String what = repository.fullName() + "@" + sha;
        HttpRequest.Builder first = HttpRequest.newBuilder(api).GET().timeout(WAIT_FOR_ANSWER)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("User-Agent", "kiln-source-fetch");
        token.get().ifPresent(value -> first.header("Authorization", "Bearer " + value));
        HttpResponse<InputStream> response = send(first.build(), what);
        for (int hops = 0; REDIRECTS.contains(response.statusCode()); hops++) {
            String location = response.headers().firstValue("location").orElse(null);
            close(response);
            if (location == null || hops == MAX_REDIRECTS) {
                throw new GitHubUnavailableException("GitHub's redirects for " + what + " lead nowhere (last: " + location + ")");
            }
            URI next = response.uri().resolve(location);
            refuseForeign(api, next, what);
            response = send(HttpRequest.newBuilder(next).GET().timeout(WAIT_FOR_ANSWER)
                    .header("User-Agent", "kiln-source-fetch").build(), what);
        }
        refuseFailure(response, repository, sha);
        return save(response, target, what);
    }

    /**
     * GitHub redirects a tarball to its archive host: the API's own host or one under the API's domain
     * ({@code api.github.com} → {@code codeload.github.com}; {@code ghe.example.com} → {@code codeload.ghe.example.com}),
     * on the API's scheme. Anything else is not GitHub.
     */
    private static void refuseForeign(URI api, URI next, String what) {
        String apiHost = api.getHost().toLowerCase(Locale.ROOT);
        String domain = apiHost.startsWith("api.") ? apiHost.substring(4) : apiHost;
        String host = next.getHost() == null ? "" : next.getHost().toLowerCase(Locale.ROOT);
        boolean github = host.equals(apiHost) || host.equals(domain) || host.endsWith("." + domain);
        if (!github || !api.getScheme().equalsIgnoreCase(next.getScheme())) {
            throw new ForeignRedirectException("GitHub's answer for " + what + " redirects to " + next.getScheme() + "://"
                    + host + ", which is not " + apiHost + "'s GitHub: nothing was downloaded from it");
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new GitHubUnavailableException("could not download " + what + " from " + request.uri().getHost() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubUnavailableException("interrupted while downloading " + what);
        }
    }

    private static void refuseFailure(HttpResponse<InputStream> response, KilnConfig.Repository repository, String sha) {
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        close(response);
        String what = repository.fullName() + "@" + sha;
        boolean rateLimited = response.headers().firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false)
                || response.headers().firstValue("retry-after").isPresent();
        if (status == 429 || status >= 500 || (status == 403 && rateLimited)) {
            throw new GitHubUnavailableException("GitHub answered " + status + " for " + what + (rateLimited ? " (rate limited)" : ""));
        }
        if (status == 404 || status == 422) {
            throw new CommitNotFoundException("GitHub has no commit " + sha + " in " + repository.fullName() + " (" + status
                    + "); for a private repository, the token must be able to read it");
        }
        if (status == 401 || status == 403) {
            throw new GitHubAccessDeniedException("GitHub refused the token for " + repository.fullName() + " (" + status
                    + "): put a token that can read the repository's contents in Kiln's GitHub token secret");
        }
        throw new GitHubUnavailableException("GitHub answered " + status + " for " + what);
    }

    private long save(HttpResponse<InputStream> response, Path target, String what) {
        long total = 0;
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (total > maxBytes) {
                    throw new NotATarballException("the tarball of " + what + " is larger than " + maxBytes
                            + " bytes, the most a source bundle may be");
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new GitHubUnavailableException("the download of " + what + " broke off after " + total + " bytes: " + e);
        }
        if (!isGzip(target)) {
            throw new NotATarballException("what GitHub sent for " + what + " (" + total + " bytes) is not a gzip tarball");
        }
        return total;
    }

    private static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // nothing more is read from it
        }
    }
}
