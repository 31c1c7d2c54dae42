package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSetTest {

    private static final String SHA = "f8c1d9e0a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7";
    private static final String SET = """
            {"release":{"role":"web","version":"1.4.0","artifact":"s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz","sha256":"%s"},
             "previous":{"role":"web","version":"1.3.0"},"changed":true,"resumed":["web-asg"],"notResumed":{}}""";

    private final Operator operator = new Operator();

    @TempDir
    Path dir;

    @Test
    void shouldSetAReleaseWhoseArtifactIsInTheBucketThroughTheReleaseFunction() {
        operator.cloud.answer = new Cloud.Invocation(false, SET.formatted(SHA));

        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", "s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz",
                "--sha256", SHA.toUpperCase())).isZero();

        assertThat(operator.cloud.uploaded).isEmpty();
        assertThat(operator.cloud.invoked).containsExactly("kiln-Release {\"role\":\"web\",\"version\":\"1.4.0\",\"artifact\":"
                + "\"s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz\",\"sha256\":\"" + SHA + "\"}");
        assertThat(operator.out.toString()).isEqualTo("""
                kiln: web's release is 1.4.0 (s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz); it was 1.3.0. Instances get it as they launch; kiln rotate --role web --now replaces the running ones.
                  launches of web-asg resumed (they had been suspended after failures)
                """);
    }

    @Test
    void shouldUploadALocalArtifactWithItsChecksumOnceAndSetIt() throws Exception {
        Path file = artifact("site v1.4.0");
        String sha = sha256(file);
        operator.cloud.answer = new Cloud.Invocation(false, SET.formatted(sha));

        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", file.toString())).isZero();
        assertThat(operator.kiln("--output", "json", "release", "set", "web", "1.4.0", "--artifact", file.toString(), "--sha256", sha))
                .isZero();

        assertThat(operator.cloud.uploaded).containsExactly("s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz web.tar.gz {sha256=" + sha + "}");
        assertThat(operator.cloud.invoked).hasSize(2).allSatisfy(call -> assertThat(call).contains("\"sha256\":\"" + sha + "\""));
        JsonNode answer = Json.MAPPER.readTree(operator.out.toString().substring(operator.out.toString().lastIndexOf("\n{") + 1));
        assertThat(answer.path("changed").asBoolean()).isTrue();
    }

    @Test
    void shouldNeverReplaceAnotherArtifactAlreadyUploadedUnderThatVersion() throws Exception {
        Path file = artifact("site v1.4.0, rebuilt");
        operator.cloud.objects.put("kiln-artifacts/releases/web/web-1.4.0.tar.gz", Map.of("sha256", SHA));

        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", file.toString())).isEqualTo(2);

        assertThat(operator.cloud.uploaded).isEmpty();
        assertThat(operator.cloud.invoked).isEmpty();
        assertThat(operator.err.toString()).contains("s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz already holds another artifact");
    }

    @Test
    void shouldRefuseBadInputBeforeUploadingOrSettingAnything() throws Exception {
        Path file = artifact("site");
        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", "s3://kiln-artifacts/releases/web/w.tar.gz")).isEqualTo(2);
        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", dir.resolve("missing.tar.gz").toString())).isEqualTo(2);
        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", file.toString(), "--sha256", SHA)).isEqualTo(2);
        assertThat(operator.kiln("release", "set", "web", "1.4.0 beta", "--artifact", file.toString())).isEqualTo(2);
        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", "s3://kiln-artifacts/releases/base/b.tar.gz",
                "--sha256", SHA)).isEqualTo(2);
        assertThat(operator.kiln("release", "set", "api", "1.4.0", "--artifact", file.toString())).isEqualTo(2);

        assertThat(operator.cloud.uploaded).isEmpty();
        assertThat(operator.cloud.invoked).isEmpty();
        assertThat(operator.err.toString()).contains("--sha256 is required with an s3:// artifact",
                "missing.tar.gz is neither s3://... nor a file here", "is not the SHA-256 of " + file,
                "version: '1.4.0 beta' is not a version", "is not under releases/web/", "unknown role api");
    }

    @Test
    void shouldSayWhatTheReleaseFunctionRefusedWithExitCodeTwo() {
        operator.cloud.answer = new Cloud.Invocation(true, "{\"errorType\":\"dev.kiln.common.release.InvalidReleaseException\","
                + "\"errorMessage\":\"artifact: s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz has no executable install at its top\"}");

        assertThat(operator.kiln("release", "set", "web", "1.4.0", "--artifact", "s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz",
                "--sha256", SHA)).isEqualTo(2);

        assertThat(operator.err.toString()).contains("kiln: the release function refused 1.4.0 for web: artifact:"
                + " s3://kiln-artifacts/releases/web/web-1.4.0.tar.gz has no executable install at its top");
    }

    private Path artifact(String content) throws Exception {
        return Files.writeString(dir.resolve("web.tar.gz"), content, StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
