package dev.kiln.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryLayoutTest {

    @Test
    void shouldFindTheRootFromASubdirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("functions/notify"));
        Files.createDirectories(dir.resolve("statemachines"));

        RepositoryLayout layout = RepositoryLayout.locate(null, dir.resolve("functions/notify"));

        assertThat(layout.root()).isEqualTo(dir.toAbsolutePath());
        assertThat(layout.stateMachine("bake")).isEqualTo(dir.resolve("statemachines/bake.asl.json").toAbsolutePath());
    }

    @Test
    void shouldSayToBuildFirstWhenAFunctionArchiveIsMissing(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("functions"));
        Files.createDirectories(dir.resolve("statemachines"));

        assertThatThrownBy(() -> new RepositoryLayout(dir).functionArchive("notify"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("functions/notify/target/notify.zip does not exist: build the functions first (mvn package)");
    }

    @Test
    void shouldRefuseADirectoryThatIsNotTheRepository(@TempDir Path dir) {
        assertThatThrownBy(() -> RepositoryLayout.locate(dir.toString(), Path.of("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the Kiln repository root");
    }
}
