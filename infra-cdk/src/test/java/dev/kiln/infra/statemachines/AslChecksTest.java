package dev.kiln.infra.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.Synthesized;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The gates themselves: each one must catch the mistake it exists for. */
class AslChecksTest {

    private static Path resource(String name) throws Exception {
        return Path.of(AslChecksTest.class.getResource("/asl/" + name).toURI());
    }

    static Path validator() {
        return Synthesized.layout().root().resolve("infra-cdk/node_modules/.bin/asl-validator");
    }

    @Test
    void shouldAcceptAValidDefinitionWithPlaceholders() throws Exception {
        assertThat(AslChecks.validate(resource("valid.asl.json"), validator())).isEmpty();
    }

    @Test
    void shouldReportATransitionToAStateThatDoesNotExist() throws Exception {
        assertThat(AslChecks.validate(resource("missing-next-state.asl.json"), validator()))
                .singleElement().asString().contains("NoSuchState");
    }

    @Test
    void shouldFindEveryPlaceholderCdkMustSubstitute() throws Exception {
        String definition = java.nio.file.Files.readString(resource("valid.asl.json"));

        assertThat(AslChecks.placeholders(definition)).containsExactly("NotifyFunctionArn", "TopicName");
    }

    @Test
    void shouldReportAnErrorNameThatIsNoClass() throws Exception {
        assertThat(AslChecks.unresolvedErrorNames(AslChecks.read(resource("valid.asl.json"))))
                .containsExactly("dev.kiln.notify.errors.NoSuchException");
    }

    @Test
    void shouldCollectDottedErrorNamesFromRetryAndCatchButNotPlainOnes() throws Exception {
        assertThat(AslChecks.dottedErrorNames(AslChecks.read(resource("valid.asl.json")))).containsExactly(
                "Lambda.ServiceException",
                "States.ALL",
                "dev.kiln.notify.errors.MalformedEventException",
                "dev.kiln.notify.errors.NoSuchException");
    }
}
