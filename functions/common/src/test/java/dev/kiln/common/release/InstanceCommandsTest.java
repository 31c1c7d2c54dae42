package dev.kiln.common.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.common.config.KilnConfig.Drain;
import dev.kiln.common.config.KilnConfig.HealthCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance scripts, run for real with bash against fakes of aws, systemctl and curl on the PATH,
 * with Kiln's folders inside a temporary directory.
 */
class InstanceCommandsTest {

    @TempDir
    Path dir;

    private Path bin;
    private InstanceCommands commands;

    private record Result(int exitCode, String output) {
    }

    @BeforeEach
    void fakes() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        commands = new InstanceCommands(new InstanceCommands.Paths(dir + "/opt/releases", dir + "/etc"));
    }

    // --- install --------------------------------------------------------------------------------

    @Test
    void shouldInstallAReleaseWhoseChecksumMatchesAndRecordIt() throws Exception {
        Release release = artifact("install", "#!/bin/sh\necho \"$KILN_ROLE $KILN_RELEASE_VERSION $KILN_PHASE $KILN_ENV_FILE\" > \"" + dir + "/installed\"\n");

        Result result = run(commands.install(release, InstanceCommands.Phase.DEPLOY));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readString(dir.resolve("installed")).strip())
                .isEqualTo("web 1.4.2 deploy " + dir + "/etc/web.env");
        assertThat(Files.readString(dir.resolve("etc/release.json")).strip()).isEqualTo("{\"role\":\"web\",\"version\":\"1.4.2\","
                + "\"sha256\":\"" + release.sha256() + "\",\"artifact\":\"s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz\"}");
        assertThat(result.output()).contains("kiln: release 1.4.2 of web installed (deploy)");
    }

    @Test
    void shouldRefuseAnArtifactWhoseChecksumIsNotTheReleasesAndRunNothingFromIt() throws Exception {
        Release good = artifact("install", "#!/bin/sh\ntouch \"" + dir + "/installed\"\n");
        Release tampered = new Release("web", "1.4.2", good.artifact(), "0".repeat(64), null);

        Result result = run(commands.install(tampered, InstanceCommands.Phase.DEPLOY));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("kiln: the artifact's SHA-256 is not the release's " + "0".repeat(64));
        assertThat(dir.resolve("installed")).doesNotExist();
        assertThat(dir.resolve("etc/release.json")).doesNotExist();
        assertThat(dir.resolve("opt/releases/1.4.2.tar.gz")).doesNotExist();
    }

    @Test
    void shouldRefuseAnArtifactWithoutAnInstall() throws Exception {
        Release release = artifact("README", "no install here\n");

        Result result = run(commands.install(release, InstanceCommands.Phase.BAKE));

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.output()).contains("kiln: the artifact has no executable 'install' at its top");
        assertThat(dir.resolve("etc/release.json")).doesNotExist();
    }

    @Test
    void shouldPrintTheInstalledReleaseOrAnEmptyObject() throws Exception {
        assertThat(run(commands.inspect()).output().strip()).isEqualTo("{}");

        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/release.json"), "{\"version\":\"1.4.2\"}\n");
        assertThat(run(commands.inspect()).output().strip()).isEqualTo("{\"version\":\"1.4.2\"}");
    }

    // --- env file -------------------------------------------------------------------------------

    @Test
    void shouldWriteTheEnvFileOnlyRootCanReadFromTheSecretAndTheParametersWithoutPrintingAValue() throws Exception {
        String tricky = "p@ss \"word\" $HOME `id` \\ end\nsecond line";
        fakeAws("""
                case "$1 $2" in
                  "secretsmanager get-secret-value") cat <<'JSON'
                {"DB_PASSWORD": %s, "FEATURE": "on"}
                JSON
                  ;;
                  "ssm get-parameters-by-path") cat <<'JSON'
                {"Parameters": [{"Name": "/kiln/env/web/FEATURE", "Value": "off"}, {"Name": "/kiln/env/web/LOG_LEVEL", "Value": "info"}]}
                JSON
                  ;;
                esac
                """.formatted(TextNode.valueOf(tricky).toString()));

        Result result = run(commands.writeEnv("web", "kiln/env/web", "/kiln/env/web/"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("kiln: env file with 3 variables: DB_PASSWORD, FEATURE, LOG_LEVEL")
                .doesNotContain("p@ss", "info", "off");
        Path env = dir.resolve("etc/web.env");
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // a shell reads back exactly what the secret holds (systemd reads the same quoting)
        assertThat(run(List.of("set -a", ". " + env, "printf '%s' \"$DB_PASSWORD\"")).output()).isEqualTo(tricky);
        assertThat(run(List.of("set -a", ". " + env, "printf '%s|%s' \"$FEATURE\" \"$LOG_LEVEL\"")).output()).isEqualTo("on|info");
    }

    @Test
    void shouldWriteTheEnvFileFromTheParametersWhenThereIsNoSecret() throws Exception {
        fakeAws("""
                case "$1 $2" in
                  "secretsmanager get-secret-value") echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254 ;;
                  "ssm get-parameters-by-path") echo '{"Parameters": [{"Name": "/kiln/env/web/LOG_LEVEL", "Value": "info"}]}' ;;
                esac
                """);

        Result result = run(commands.writeEnv("web", "kiln/env/web", "/kiln/env/web/"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readString(dir.resolve("etc/web.env"))).isEqualTo("LOG_LEVEL=\"info\"\n");
    }

    @Test
    void shouldRefuseNamesThatAreNotVariablesAndNamesThemOnly() throws Exception {
        fakeAws("""
                case "$1 $2" in
                  "secretsmanager get-secret-value") echo '{"BAD-NAME": "s3cr3t", "GOOD": "x"}' ;;
                  "ssm get-parameters-by-path") echo '{"Parameters": []}' ;;
                esac
                """);

        Result result = run(commands.writeEnv("web", "kiln/env/web", "/kiln/env/web/"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("kiln: not valid environment variable names: BAD-NAME").doesNotContain("s3cr3t");
        assertThat(dir.resolve("etc/web.env")).doesNotExist();
    }

    @Test
    void shouldStopWhenTheSecretCannotBeRead() throws Exception {
        fakeAws("""
                case "$1 $2" in
                  "secretsmanager get-secret-value") echo "An error occurred (AccessDeniedException)" >&2; exit 254 ;;
                esac
                """);

        Result result = run(commands.writeEnv("web", "kiln/env/web", "/kiln/env/web/"));

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.output()).contains("AccessDeniedException", "kiln: cannot read the secret kiln/env/web");
    }

    // --- restart, health, drain -----------------------------------------------------------------

    @Test
    void shouldRestartTheServiceAndCheckThatItStaysUp() throws Exception {
        fake("systemctl", "echo \"systemctl $*\" >> \"" + dir + "/systemctl.log\"\n");

        Result result = run(commands.restart("nginx"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("systemctl.log")))
                .containsExactly("systemctl daemon-reload", "systemctl restart nginx", "systemctl is-active --quiet nginx");
    }

    @Test
    void shouldPassTheHealthCheckOnceTheUrlAnswers() throws Exception {
        fake("curl", "n=$(cat \"" + dir + "/tries\" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \"" + dir + "/tries\"; [ $n -ge 2 ]\n");

        Result result = run(commands.health(new HealthCheck("http://127.0.0.1/healthz", 3, 1)));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("kiln: health check passed (attempt 2)");
    }

    @Test
    void shouldFailTheHealthCheckAfterItsAttempts() throws Exception {
        fake("curl", "exit 7\n");

        Result result = run(commands.health(new HealthCheck("http://127.0.0.1/healthz", 2, 1)));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("kiln: http://127.0.0.1/healthz did not answer 2xx in 2 attempts, 1 s apart");
    }

    @Test
    void shouldDrainThenFlush() throws Exception {
        Result result = run(commands.drain(new Drain("echo drained >> " + dir + "/log", "echo flushed >> " + dir + "/log", 30)));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("drained", "flushed");
        assertThat(result.output()).contains("kiln: the drain command is done", "kiln: the log flush is done");
    }

    @Test
    void shouldStopAStuckFlushAtTheBoundAndSaySo() throws Exception {
        long started = System.nanoTime();

        Result result = run(commands.drain(new Drain(null, "sleep 60", 2)));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("kiln: the log flush ran out of time");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
    }

    @Test
    void shouldReportAFailedDrainCommandAndStillFlush() throws Exception {
        Result result = run(commands.drain(new Drain("exit 3", "echo flushed >> " + dir + "/log", 30)));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("kiln: the drain command failed with exit status 3");
        assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("flushed");
    }

    @Test
    void shouldRunADrainCommandFullOfShellExactlyAsWrittenOnce() throws Exception {
        String log = dir + "/log";
        String command = "printf '%s\\n' \"it's $(echo one); two\" >> " + log + " && echo \"`echo three`\" >> " + log;

        Result result = run(commands.drain(new Drain(command, null, 30)));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("log"))).containsExactly("it's one; two", "three");
    }

    @Test
    void shouldRefuseToRenderARoleOrServiceThatIsNotAPlainName() {
        assertThatThrownBy(() -> commands.writeEnv("web; reboot", "kiln/env/web", "/kiln/env/web/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
        assertThatThrownBy(() -> commands.restart("nginx$(reboot)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
    }

    // --- helpers --------------------------------------------------------------------------------

    /** A release whose artifact holds one file; the fake aws "downloads" it. */
    private Release artifact(String name, String content) throws Exception {
        Path work = Files.createDirectories(dir.resolve("artifact"));
        Path file = work.resolve(name);
        Files.writeString(file, content);
        file.toFile().setExecutable(name.equals("install"));
        Path tarball = dir.resolve("app.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", work.toString(), name).start();
        assertThat(tar.waitFor()).isZero();
        fakeAws("if [ \"$1 $2\" = \"s3 cp\" ]; then cp \"" + tarball + "\" \"$4\"; fi\n");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
        return new Release("web", "1.4.2", "s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz", sha, null);
    }

    private void fakeAws(String body) throws IOException {
        fake("aws", body);
    }

    private void fake(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
    }

    private Result run(List<String> lines) throws Exception {
        Path script = Files.createTempFile(dir, "script", ".sh");
        Files.writeString(script, String.join("\n", lines) + "\n");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
}
