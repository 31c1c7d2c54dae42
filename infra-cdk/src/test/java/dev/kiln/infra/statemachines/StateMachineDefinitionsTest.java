package dev.kiln.infra.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.assertions.Match;

/** Every statemachines/*.asl.json: valid ASL, substitutions that match CDK's, and error names that resolve. */
class StateMachineDefinitionsTest {

    private static List<Path> definitions() throws IOException {
        return AslChecks.definitions(Synthesized.layout().root());
    }

    private static String name(Path definition) {
        return definition.getFileName().toString().replace(".asl.json", "");
    }

    @TestFactory
    Stream<DynamicTest> shouldBeValidAmazonStatesLanguage() throws IOException {
        return definitions().stream().map(definition -> DynamicTest.dynamicTest(name(definition), () ->
                assertThat(AslChecks.validate(definition, AslChecksTest.validator())).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> shouldHaveExactlyThePlaceholdersCdkSubstitutes() throws IOException {
        return definitions().stream().map(definition -> DynamicTest.dynamicTest(name(definition), () -> {
            Map<String, Map<String, Object>> machines = Synthesized.kiln().template().findResources(
                    "AWS::StepFunctions::StateMachine", Map.of("Properties", Match.objectLike(Map.of(
                            "StateMachineName", Synthesized.NAME + "-" + name(definition)))));
            assertThat(machines).as("state machines deployed from %s", definition).hasSize(1);
            @SuppressWarnings("unchecked")
            Map<String, Object> substitutions = (Map<String, Object>) ((Map<String, Object>) machines.values()
                    .iterator().next().get("Properties")).getOrDefault("DefinitionSubstitutions", Map.of());
            assertThat(substitutions.keySet())
                    .containsExactlyInAnyOrderElementsOf(AslChecks.placeholders(Files.readString(definition)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> shouldNameOnlyExceptionClassesThatExistInErrorEquals() throws IOException {
        return definitions().stream().map(definition -> DynamicTest.dynamicTest(name(definition), () ->
                assertThat(AslChecks.unresolvedErrorNames(AslChecks.read(definition))).isEmpty()));
    }

    @Test
    void shouldNameAdvisoriesInEveryInputSchemaAsKilnsFunctionsDo() throws IOException {
        String id = "\"^" + dev.kiln.common.AdvisoryPatterns.ID.pattern().replace("\\", "\\\\") + "$\"";
        for (String schema : List.of("bake", "patch", "rotate")) {
            String text = Files.readString(Synthesized.layout().root().resolve("statemachines/" + schema + ".input.schema.json"));
            // every advisory id pattern in the schema is that one
            assertThat(text.split("\"\\^ALAS", -1).length).as(schema + ".input.schema.json")
                    .isEqualTo(text.split(java.util.regex.Pattern.quote(id), -1).length).isGreaterThan(1);
        }
    }

    @ParameterizedTest(name = "{0}: python3 statemachines/generate/{1}")
    @CsvSource({"bake, bake.py", "patch, patch.py", "launch, lifecycle.py launch", "drain, lifecycle.py drain", "rotate, rotate.py",
            "blue-green, blue_green.py", "distribute, distribute.py"})
    void shouldBeWhatItsGeneratorMakes(String workflow, String generatorCommand) throws Exception {
        Path root = Synthesized.layout().root();
        List<String> command = new java.util.ArrayList<>(List.of("python3"));
        String[] words = generatorCommand.split(" ");
        command.add(root.resolve("statemachines/generate/" + words[0]).toString());
        command.addAll(List.of(words).subList(1, words.length));
        Process generator = new ProcessBuilder(command).redirectErrorStream(true).start();
        String generated = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(generator.waitFor()).as(generated).isZero();
        assertThat(Files.readString(root.resolve("statemachines/" + workflow + ".asl.json")))
                .as("statemachines/%s.asl.json is generated: edit statemachines/generate/%s and run it with --write", workflow, words[0])
                .isEqualTo(generated);
    }
}
