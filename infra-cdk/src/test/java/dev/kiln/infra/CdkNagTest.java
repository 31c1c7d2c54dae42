package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

@SuppressWarnings("deprecation") // SynthesisMessage is what Annotations still returns
class CdkNagTest {

    @Test
    void shouldHaveNoAwsSolutionsErrorWithoutAWrittenReason() {
        List<SynthesisMessage> errors = Synthesized.kiln().annotations()
                .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        assertThat(describe(errors)).isEmpty();
    }

    @Test
    void shouldHaveNoAwsSolutionsWarningWithoutAWrittenReason() {
        List<SynthesisMessage> warnings = Synthesized.kiln().annotations()
                .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));

        assertThat(describe(warnings)).isEmpty();
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }
}
