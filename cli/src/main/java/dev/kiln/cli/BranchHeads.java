package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The newest commit of a branch, as the configured repository's GitHub API says. */
interface BranchHeads {

    /** The branch's head commit (40 hex digits). */
    String head(KilnConfig.Repository repository, Optional<String> token);

    /** GitHub's REST API: GET /repos/{owner}/{name}/commits/{branch}, with the token Kiln's bakes use when there is one. */
    static BranchHeads gitHub() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return (repository, token) -> {
            URI uri = URI.create(repository.apiUrl() + "/repos/" + repository.owner() + "/" + repository.name() + "/commits/"
                    + repository.branch());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                    .header("User-Agent", "kiln-cli");
            token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
            try {
                HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw CliException.failed("GitHub answered " + answer.statusCode() + " to " + uri + ": name the commit with --sha");
                }
                JsonNode commit = Json.MAPPER.readTree(answer.body());
                return commit.path("sha").asText();
            } catch (IOException e) {
                throw CliException.failed("could not ask GitHub (" + uri + ") for the head of " + repository.branch() + ": " + e.getMessage()
                        + "; name the commit with --sha");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failed("interrupted");
            }
        };
    }
}
