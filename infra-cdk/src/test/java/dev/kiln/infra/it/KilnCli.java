package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The operator's command line as a person runs it: the runnable jar (cli/target/kiln-cli.jar, built before this
 * module), in its own process, pointed at the local cloud by AWS_ENDPOINT_URL and the local cloud's test keys.
 */
final class KilnCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KilnCli() {
    }

    /** How a command ended: its exit code and what it printed. */
    record Run(int exitCode, String out, String err) {
        /** The result of a command run with --output json. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON on standard output: " + out + "\nstandard error: " + err, e);
            }
        }
    }

    static Run run(String... args) throws Exception {
        Path jar = Synthesized.layout().root().resolve("cli/target/kiln-cli.jar");
        assertThat(jar).as("the command line's jar (mvn -pl cli package)").exists();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(Map.of("AWS_ENDPOINT_URL", LocalCloud.endpoint().toString(), "AWS_REGION", LocalCloud.REGION.id(),
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
        builder.environment().remove("AWS_PROFILE");
        builder.environment().remove("AWS_SESSION_TOKEN");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("kiln " + String.join(" ", args) + " did not end in 10 minutes");
        }
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
