package dev.kiln.infra.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The part of GitHub's API that bakes use, on this machine while a test runs (scripts/lib/local_fakes.py, the
 * demo's too): the tarball of a commit of example-org/fleet ({@code GET /repos/example-org/fleet/tarball/<sha>},
 * answered with a redirect to the archive as GitHub does), for the commits a test registers; 404 for any other.
 * The local cloud's Kiln configuration points its {@code repository.apiUrl} here (scripts/lib/local_config.py).
 */
final class LocalGitHub implements AutoCloseable {

    /** The port scripts/lib/local_config.py gives the local deployment as its GitHub API. */
    static final int PORT = 9797;

    /** One request for a commit's tarball as the API saw it. */
    record Request(String sha, String authorization) {
    }

    private final LocalSite site;

    LocalGitHub() throws IOException {
        site = new LocalSite("github", PORT);
    }

    /** From now on, the API has {@code sha}: {@code fleet} as its tarball. */
    void serve(Path fleet, String sha) {
        site.send("POST", "commits", Map.of("sha", sha, "folder", fleet.toAbsolutePath().toString()));
    }

    /** The tarball requests the API got for {@code sha}. */
    List<Request> requestsFor(String sha) {
        return StreamSupport.stream(site.get("requests").spliterator(), false)
                .map(request -> new Request(request.path("sha").asText(), request.path("authorization").textValue()))
                .filter(request -> request.sha().equals(sha)).toList();
    }

    @Override
    public void close() {
        site.close();
    }
}
