package dev.kiln.common.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReleaseTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String ARTIFACT = "s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz";

    @Test
    void shouldReadBackTheReleaseItWrites() {
        Release release = new Release("web", "1.4.2", ARTIFACT, SHA, "2026-11-22T10:00:00Z");

        assertThat(Release.parse(release.toJson())).isEqualTo(release);
        assertThat(release.bucket()).isEqualTo("kiln-artifacts");
        assertThat(release.key()).isEqualTo("releases/web/app-1.4.2.tar.gz");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a version with a space     | web | 1.4 2  | " + ARTIFACT + " | " + SHA + " | version: '1.4 2' is not a version",
            "a version that runs things | web | $(id)  | " + ARTIFACT + " | " + SHA + " | version: '$(id)' is not a version",
            "a short checksum           | web | 1.4.2  | " + ARTIFACT + " | abc  | sha256: 'abc' is not the artifact's SHA-256",
            "another role's artifact    | web | 1.4.2  | s3://kiln-artifacts/releases/api/app.tar.gz | " + SHA + " | artifact: 's3://kiln-artifacts/releases/api/app.tar.gz' is not under releases/web/",
            "an artifact elsewhere      | web | 1.4.2  | s3://kiln-artifacts/app.tar.gz | " + SHA + " | artifact: 's3://kiln-artifacts/app.tar.gz' is not s3://<bucket>/releases/<role>/<name>.tar.gz",
            "a path that climbs         | web | 1.4.2  | s3://kiln-artifacts/releases/web/../api/x.tar.gz | " + SHA + " | artifact: 's3://kiln-artifacts/releases/web/../api/x.tar.gz' is not s3://",
            "a quote in the artifact    | web | 1.4.2  | s3://kiln-artifacts/releases/web/a'b.tar.gz | " + SHA + " | artifact: 's3://kiln-artifacts/releases/web/a'b.tar.gz' is not s3://"})
    void shouldRefuseAReleaseThatIsNotOne(String what, String role, String version, String artifact, String sha, String message) {
        assertThatThrownBy(() -> new Release(role, version, artifact, sha, null))
                .as(what).isInstanceOf(InvalidReleaseException.class).hasMessageStartingWith(message);
    }

    @Test
    void shouldSayWhatIsMissing() {
        assertThatThrownBy(() -> Release.parse("{\"role\": \"web\", \"artifact\": \"" + ARTIFACT + "\", \"sha256\": \"" + SHA + "\"}"))
                .isInstanceOf(InvalidReleaseException.class)
                .hasMessageStartingWith("version: missing; give a version");
        assertThatThrownBy(() -> Release.parse("[1]")).hasMessage("the release is not a JSON object");
    }
}
