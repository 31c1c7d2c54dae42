package dev.kiln.infra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.Synthesized;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Setting a release the way the README says: pack examples/releases/web, upload it to Kiln's
 * artifact bucket and invoke the release function; {@code /kiln/releases/web} then holds it. A
 * wrong checksum is refused with a message and changes nothing.
 */
class ReleaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETER = "/kiln/releases/web";

    private static final LambdaClient LAMBDA = LocalCloud.client(LambdaClient.builder());
    private static final S3Client S3 = LocalCloud.client(S3Client.builder().forcePathStyle(true));
    private static final SsmClient SSM = LocalCloud.client(SsmClient.builder());

    private static Optional<String> before;
    private static String artifact;
    private static String sha256;
    private static Path tarball;

    @BeforeAll
    static void uploadTheExampleRelease() throws Exception {
        before = parameter();
        Path work = Files.createTempDirectory("release");
        tarball = work.resolve("web.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", Synthesized.layout().root().resolve("examples/releases/web").toString(), ".")
                .inheritIO().start();
        assertThat(tar.waitFor()).as("tar").isZero();
        byte[] bytes = Files.readAllBytes(tarball);
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String bucket = LocalCloud.stackOutput("ArtifactBucketName");
        String key = "releases/web/web-it-" + sha256.substring(0, 12) + ".tar.gz";
        S3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        artifact = "s3://" + bucket + "/" + key;
    }

    @AfterAll
    static void restore() {
        before.ifPresentOrElse(
                value -> SSM.putParameter(r -> r.name(PARAMETER).type(ParameterType.STRING).overwrite(true).value(value)),
                () -> SSM.deleteParameter(r -> r.name(PARAMETER)));
    }

    @Test
    void shouldSetTheRolesReleaseFromAnUploadedArtifactAndRefuseAWrongChecksumChangingNothing() throws Exception {
        InvokeResponse set = invoke("{\"role\":\"web\",\"version\":\"it-1\",\"artifact\":\"" + artifact + "\",\"sha256\":\"" + sha256 + "\"}");

        assertThat(set.functionError()).as(set.payload().asUtf8String()).isNull();
        JsonNode outcome = JSON.readTree(set.payload().asUtf8String());
        assertThat(outcome.get("changed").asBoolean()).isTrue();
        assertThat(outcome.get("parameter").asText()).isEqualTo(PARAMETER);
        JsonNode stored = JSON.readTree(parameter().orElseThrow());
        assertThat(stored.get("version").asText()).isEqualTo("it-1");
        assertThat(stored.get("artifact").asText()).isEqualTo(artifact);
        assertThat(stored.get("sha256").asText()).isEqualTo(sha256);

        String wrong = "0".repeat(64);
        InvokeResponse refused = invoke("{\"role\":\"web\",\"version\":\"it-2\",\"artifact\":\"" + artifact + "\",\"sha256\":\"" + wrong + "\"}");

        assertThat(refused.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(refused.payload().asUtf8String());
        assertThat(error.get("errorType").asText()).endsWith("InvalidReleaseException");
        assertThat(error.get("errorMessage").asText()).contains("sha256: the artifact's SHA-256 is " + sha256);
        assertThat(JSON.readTree(parameter().orElseThrow()).get("version").asText()).isEqualTo("it-1");
    }

    @Test
    void shouldUploadALocalArtifactAndSetItFromTheCommandLineOnceAndRefuseAnotherUnderTheSameVersion() throws Exception {
        String version = "it-cli-" + sha256.substring(0, 8);

        KilnCli.Run set = KilnCli.run("release", "set", "web", version, "--artifact", tarball.toString());
        KilnCli.Run again = KilnCli.run("--output", "json", "release", "set", "web", version, "--artifact", tarball.toString());

        assertThat(set.exitCode()).as(set.err()).isZero();
        String uploaded = "s3://" + LocalCloud.stackOutput("ArtifactBucketName") + "/releases/web/web-" + version + ".tar.gz";
        assertThat(set.out()).contains("kiln: uploaded " + tarball + " to " + uploaded, "kiln: web's release is " + version);
        JsonNode stored = JSON.readTree(parameter().orElseThrow());
        assertThat(stored.get("artifact").asText()).isEqualTo(uploaded);
        assertThat(stored.get("sha256").asText()).isEqualTo(sha256);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.json().path("changed").asBoolean()).isFalse();

        Path other = Files.writeString(tarball.resolveSibling("other.tar.gz"), "not the same artifact");
        KilnCli.Run refused = KilnCli.run("release", "set", "web", version, "--artifact", other.toString());

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains(uploaded + " already holds another artifact");
        assertThat(JSON.readTree(parameter().orElseThrow()).get("sha256").asText()).isEqualTo(sha256);
    }

    private static InvokeResponse invoke(String request) {
        return LAMBDA.invoke(r -> r.functionName(LocalCloud.stackOutput("ReleaseFunctionName")).payload(SdkBytes.fromUtf8String(request)));
    }

    private static Optional<String> parameter() {
        try {
            return Optional.of(SSM.getParameter(r -> r.name(PARAMETER)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }
}
