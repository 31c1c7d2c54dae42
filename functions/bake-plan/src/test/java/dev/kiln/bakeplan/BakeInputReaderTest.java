package dev.kiln.bakeplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.common.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BakeInputReaderTest {

    private final BakeInputReader reader = new BakeInputReader();

    @Test
    void shouldReadThePushSample() {
        BakeInput input = reader.read(Samples.input("push.json"));

        assertThat(input).isEqualTo(new BakeInput("web", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
                Optional.of("refs/heads/main"), Optional.of(Instant.parse("2026-11-22T03:00:00Z")), List.of(), "push",
                Optional.empty(), false, false));
        assertThat(input.variant()).isEqualTo("plain");
    }

    @Test
    void shouldReadAdvisoriesAndMakeThemPartOfTheBakesVariant() {
        BakeInput input = reader.read(Samples.input("advisory-al2023.json"));

        assertThat(input.advisories()).containsExactly(new BakeInput.Advisory("ALAS2023-2023-126", "2023.0.20230308"));
        assertThat(input.variant()).isEqualTo("ALAS2023-2023-126");
    }

    @Test
    void shouldDefaultToAManualBakeThatDoesNotKeepItsBuilder() {
        BakeInput input = reader.read(Samples.input("manual-keep-on-failure.json", i -> i.remove(List.of("reason", "keepOnFailure"))));

        assertThat(input.reason()).isEqualTo("manual");
        assertThat(input.keepOnFailure()).isFalse();
    }

    @Test
    void shouldNameEveryProblemOfAnInvalidInput() {
        assertThatThrownBy(() -> reader.read(Samples.input("invalid-unknown-field.json")))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessageStartingWith("the bake input does not match statemachines/bake.input.schema.json: ")
                .hasMessageContaining("the input: property 'colour' is not defined in the schema")
                .hasMessageContaining("/source/sha: does not match the regex pattern ^[0-9a-f]{40}$");
    }

    @Test
    void shouldRefuseAPushTimeThatIsNoTime() {
        assertThatThrownBy(() -> reader.read(Samples.input("push.json", i -> i.with("source").put("pushedAt", "yesterday"))))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessageContaining("/source/pushedAt: does not match the date-time pattern");
    }

    @Test
    void shouldRefuseAnInputThatIsNotAnObject() {
        assertThatThrownBy(() -> reader.read(Json.MAPPER.getNodeFactory().textNode("web")))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessage("the bake input must be a JSON object, for example events/inputs/bake/push.json");
    }
}
