package dev.kiln.githubwebhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GitHub's published test vector (events/github/signature-test-vector.json). */
class SignatureTest {

    private static final JsonNode VECTOR = Samples.json("github/signature-test-vector.json");
    private static final String SECRET = VECTOR.get("secret").asText();
    private static final byte[] PAYLOAD = VECTOR.get("payload").asText().getBytes(StandardCharsets.UTF_8);
    private static final String HEADER = VECTOR.get("X-Hub-Signature-256").asText();

    @Test
    void shouldVerifyGithubsTestVector() {
        assertThat(Signature.verify(SECRET, PAYLOAD, HEADER)).isTrue();
        assertThat(Signature.sign(SECRET, PAYLOAD)).isEqualTo(HEADER);
    }

    @Test
    void shouldRefuseTheVectorWithAnyChangeToSecretBodyOrHeader() {
        assertThat(Signature.verify(SECRET + " ", PAYLOAD, HEADER)).isFalse();
        assertThat(Signature.verify(SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), HEADER)).isFalse();
        assertThat(Signature.verify(SECRET, PAYLOAD, HEADER.substring(0, HEADER.length() - 1) + "0")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256=", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1700"})
    void shouldRefuseHeadersThatAreNotASha256Signature(String header) {
        assertThat(Signature.verify(SECRET, PAYLOAD, header)).isFalse();
    }
}
