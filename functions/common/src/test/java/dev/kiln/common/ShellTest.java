package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {

    @Test
    void shouldKeepAnyValueOneWordThatRunsNothing(@TempDir Path dir) throws Exception {
        String hostile = "x'; touch " + dir.resolve("pwned") + "; echo '$(id) `id` \"";
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "printf '%s' " + Shell.quote(hostile) + "\n");

        Process bash = new ProcessBuilder("bash", script.toString()).start();
        String printed = new String(bash.getInputStream().readAllBytes());

        assertThat(bash.waitFor()).isZero();
        assertThat(printed).isEqualTo(hostile);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }
}
