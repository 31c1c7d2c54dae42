package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitHubTokenTest {

    @Test
    void shouldTreatTheSecretsPlaceholderAndBlanksAsNoToken() {
        assertThat(GitHubToken.usable(GitHubToken.NONE)).isEmpty();
        assertThat(GitHubToken.usable("  ")).isEmpty();
        assertThat(GitHubToken.usable(null)).isEmpty();
        assertThat(GitHubToken.usable(" ghp_abc\n")).contains("ghp_abc");
    }
}
