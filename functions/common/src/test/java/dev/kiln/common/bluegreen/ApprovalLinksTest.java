package dev.kiln.common.bluegreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApprovalLinksTest {

    private final ApprovalLinks links = new ApprovalLinks("k".repeat(64).getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldSignTheApprovalAndItsExpiryIntoTheLink() {
        String link = links.link("https://abc.lambda-url.us-west-2.on.aws/", "3f2a9c", Instant.ofEpochSecond(1796600000));

        assertThat(link).isEqualTo("https://abc.lambda-url.us-west-2.on.aws/?id=3f2a9c&expires=1796600000&signature="
                + links.signature("3f2a9c", 1796600000));
        assertThat(links.signed("3f2a9c", 1796600000, links.signature("3f2a9c", 1796600000))).isTrue();
    }

    @Test
    void shouldRefuseASignatureForAnotherApprovalOrExpiryOrKey() {
        String signature = links.signature("3f2a9c", 1796600000);

        assertThat(links.signed("3f2a9d", 1796600000, signature)).isFalse();
        assertThat(links.signed("3f2a9c", 1796600001, signature)).isFalse();
        assertThat(new ApprovalLinks("j".repeat(64).getBytes(StandardCharsets.UTF_8)).signed("3f2a9c", 1796600000, signature)).isFalse();
        assertThat(links.signed("3f2a9c", 1796600000, null)).isFalse();
        assertThat(links.signed("3f2a9c", 1796600000, "")).isFalse();
    }

    @Test
    void shouldRefuseAKeyTooShortToSignWith() {
        assertThatThrownBy(() -> new ApprovalLinks(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an approval link key has at least 32 bytes, this one 16");
    }
}
