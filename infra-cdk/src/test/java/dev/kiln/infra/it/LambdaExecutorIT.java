package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.probe.ProbeHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * The local cloud's kiln-java executor runs a Java function the way Lambda's java21 runtime does:
 * events and results serialised by AWS's runtime interface client, errors reported by class name,
 * the function's timeout enforced, its environment variables set.
 */
class LambdaExecutorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String PROBE = "executor-probe-" + SUFFIX;
    private static final String BROKEN = "executor-broken-" + SUFFIX;

    @BeforeAll
    static void deployProbes() throws Exception {
        byte[] code = probeArchive();
        create(PROBE, ProbeHandler.class.getName() + "::handleRequest", code, 3, Map.of("KILN_PROBE", "hello"));
        create(BROKEN, "dev.kiln.infra.probe.NoSuchHandler::handleRequest", code, 3, Map.of());
    }

    @AfterAll
    static void removeProbes() {
        Stream.of(PROBE, BROKEN).forEach(name -> LAMBDA.deleteFunction(r -> r.functionName(name)));
    }

    @Test
    void shouldDeliverTheEventAndReturnTheResultAsJson() throws Exception {
        InvokeResponse response = invoke(PROBE, Map.of("action", "echo", "nested", Map.of("list", List.of(1, 2, 3))));

        assertThat(response.functionError()).isNull();
        JsonNode answer = JSON.readTree(response.payload().asUtf8String());
        assertThat(answer.get("input")).isEqualTo(JSON.valueToTree(
                Map.of("action", "echo", "nested", Map.of("list", List.of(1, 2, 3)))));
        assertThat(answer.get("requestId").asText()).isNotBlank();
    }

    @Test
    void shouldGiveTheFunctionItsEnvironmentAndLambdasOwnVariables() throws Exception {
        InvokeResponse response = invoke(PROBE, Map.of("environment",
                List.of("KILN_PROBE", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ENDPOINT_URL")));

        JsonNode environment = JSON.readTree(response.payload().asUtf8String()).get("environment");
        assertThat(environment.get("KILN_PROBE").asText()).isEqualTo("hello");
        assertThat(environment.get("AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(environment.get("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo(PROBE);
        assertThat(environment.get("AWS_ENDPOINT_URL").asText()).startsWith("http://127.0.0.1:");
    }

    @Test
    void shouldReportAJavaErrorByItsFullyQualifiedClassName() throws Exception {
        InvokeResponse response = invoke(PROBE, Map.of("action", "fail", "message", "on purpose"));

        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(response.payload().asUtf8String());
        assertThat(error.get("errorType").asText()).isEqualTo("dev.kiln.infra.probe.ProbeFailedException");
        assertThat(error.get("errorMessage").asText()).isEqualTo("on purpose");
    }

    @Test
    void shouldEndAnInvocationThatOutlivesTheTimeoutAndServeTheNextOne() throws Exception {
        // given a function with a 3-second timeout, when it sleeps for 60 seconds
        Instant start = Instant.now();
        InvokeResponse timedOut = invoke(PROBE, Map.of("action", "sleep", "seconds", 60));

        // then Lambda's timeout error comes back once the timeout has passed, not the sleep
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(timedOut.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(timedOut.payload().asUtf8String());
        assertThat(error.get("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.get("errorMessage").asText()).endsWith("Task timed out after 3.00 seconds");

        // and the function still answers afterwards, from a fresh runtime
        assertThat(invoke(PROBE, Map.of("action", "echo")).functionError()).isNull();
    }

    @Test
    void shouldFailTheInvocationWhenTheHandlerClassCannotBeLoaded() {
        InvokeResponse response = invoke(BROKEN, Map.of("action", "echo"));

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("dev.kiln.infra.probe.NoSuchHandler");
    }

    private static InvokeResponse invoke(String function, Map<String, Object> event) {
        SdkBytes payload;
        try {
            payload = SdkBytes.fromByteArray(JSON.writeValueAsBytes(event));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return LAMBDA.invoke(r -> r.functionName(function).payload(payload));
    }

    private static void create(String name, String handler, byte[] code, int timeoutSeconds, Map<String, String> env) {
        LAMBDA.createFunction(r -> r.functionName(name)
                .runtime(Runtime.JAVA21)
                .handler(handler)
                .role("arn:aws:iam::" + LocalCloud.ACCOUNT + ":role/executor-probe")
                .timeout(timeoutSeconds)
                .memorySize(256)
                .environment(e -> e.variables(env))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(code))));
        LocalCloud.await(name + " to become Active", Duration.ofSeconds(60), () -> Optional.of(
                        LAMBDA.getFunction(r -> r.functionName(name)).configuration().state())
                .filter(state -> state != State.PENDING));
        assertThat(LAMBDA.getFunction(r -> r.functionName(name)).configuration().state()).isEqualTo(State.ACTIVE);
    }

    // the probe's compiled classes, laid out as a Lambda .zip (aws-lambda-java-core comes with the runtime)
    private static byte[] probeArchive() throws IOException, URISyntaxException {
        Path classes = Path.of(ProbeHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path probe = classes.resolve("dev/kiln/infra/probe");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.list(probe)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(file).toString()));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
