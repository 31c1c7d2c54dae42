package dev.kiln.bakeplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfig.AmazonLinux;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BakeCommandsTest {

    private static final AmazonLinux AL2023 = new AmazonLinux("2023", "arm64");
    private static final AmazonLinux AL2 = new AmazonLinux("2", "x86_64");
    private static final String BUNDLE = "s3://kiln-artifacts/bundles/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c.tar.gz";

    @Test
    void shouldProvisionAnAl2023RoleAndApplyAdvisoriesWithTheReleaseThatCarriesTheFix() {
        List<String> lines = BakeCommands.provision(AL2023, BUNDLE, "roles/web/playbook.yml",
                List.of(new BakeInput.Advisory("ALAS2023-2023-126", "2023.0.20230308")));

        assertThat(lines).startsWith(
                "set -euo pipefail",
                "rm -rf /opt/kiln/source && mkdir -p /opt/kiln/source",
                "aws s3 cp '" + BUNDLE + "' /opt/kiln/source.tar.gz --only-show-errors",
                "tar -xzf /opt/kiln/source.tar.gz -C /opt/kiln/source --strip-components=1",
                "command -v ansible-playbook >/dev/null 2>&1 || dnf install -y ansible-core",
                "cd /opt/kiln/source",
                "ansible-playbook -i localhost, -c local 'roles/web/playbook.yml'");
        assertThat(lines).endsWith("kiln_advisory dnf upgrade -y --advisory=ALAS2023-2023-126 --releasever=2023.0.20230308");
    }

    @Test
    void shouldProvisionAnAl2RoleWithYumAndNoReleasever() {
        List<String> lines = BakeCommands.provision(AL2, BUNDLE, "roles/base/playbook.yml",
                List.of(new BakeInput.Advisory("ALAS2-2023-2001", null), new BakeInput.Advisory("ALAS-2018-939", null)));

        assertThat(lines).contains("command -v ansible-playbook >/dev/null 2>&1 || amazon-linux-extras install -y ansible2");
        assertThat(lines).endsWith(
                "kiln_advisory yum update -y --advisory=ALAS2-2023-2001",
                "kiln_advisory yum update -y --advisory=ALAS-2018-939");
    }

    @Test
    void shouldNotDefineTheAdvisoryHelperWhenThereAreNoAdvisories() {
        assertThat(BakeCommands.provision(AL2023, BUNDLE, "roles/web/playbook.yml", List.of()))
                .noneMatch(line -> line.contains("kiln_advisory")).hasSize(7);
    }

    @Test
    void shouldTakeNoPackagesNeededForSecurityAsSuccessAndAnyOtherFailureAsFailure(@TempDir Path dir) throws Exception {
        // given a yum that answers as Amazon Linux 2 does for an advisory the image does not need
        fakeCommand(dir, "yum", "echo 'No packages needed for security; 12 packages available'; exit 1");
        List<String> advisory = advisoryScript(AL2, new BakeInput.Advisory("ALAS2-2023-2001", null));

        // when / then
        assertThat(runBash(dir, advisory).exit()).isZero();

        // and a yum that really fails fails the provisioning
        fakeCommand(dir, "yum", "echo 'Cannot retrieve repository metadata'; exit 1");
        Result failed = runBash(dir, advisory);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.output()).contains("advisory update failed with exit status 1: yum update -y --advisory=ALAS2-2023-2001");
    }

    @Test
    void shouldPassTheAdvisoryAndReleaseverToDnf(@TempDir Path dir) throws Exception {
        fakeCommand(dir, "dnf", "echo \"dnf $*\"");

        Result result = runBash(dir, advisoryScript(AL2023, new BakeInput.Advisory("ALAS2023-2023-126", "2023.0.20230308")));

        assertThat(result.exit()).isZero();
        assertThat(result.output()).contains("dnf upgrade -y --advisory=ALAS2023-2023-126 --releasever=2023.0.20230308");
    }

    @Test
    void shouldRefuseAnAdvisoryOrReleaseThatIsNotOne() {
        assertThatThrownBy(() -> BakeCommands.advisoryCommand(AL2, new BakeInput.Advisory("ALAS2-2023-1; reboot", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a valid advisory id: ALAS2-2023-1; reboot");
        assertThatThrownBy(() -> BakeCommands.advisoryCommand(AL2023, new BakeInput.Advisory("ALAS2023-2023-126", "latest")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a valid releasever: latest");
    }

    @Test
    void shouldUnpackTheSourceAgainOnTheFreshInstanceAndLetTheServerTestsExitStatusDecide() {
        assertThat(BakeCommands.tests(AL2023, BUNDLE, "roles/web/tests/run.sh", List.of())).containsExactly(
                "set -euo pipefail",
                "rm -rf /opt/kiln/source && mkdir -p /opt/kiln/source",
                "aws s3 cp '" + BUNDLE + "' /opt/kiln/source.tar.gz --only-show-errors",
                "tar -xzf /opt/kiln/source.tar.gz -C /opt/kiln/source --strip-components=1",
                "cd /opt/kiln/source",
                "chmod +x 'roles/web/tests/run.sh'",
                "./'roles/web/tests/run.sh'");
    }

    @Test
    void shouldFailTheServerTestsWhenAPackageAnAppliedAdvisoryFixesIsStillBelowItsFixedVersion(@TempDir Path dir) throws Exception {
        List<String> tests = BakeCommands.tests(AL2023, BUNDLE, "tests.sh", List.of(new BakeInput.Advisory("ALAS2023-2025-1300", "2023.9.20251105")));
        List<String> checks = tests.subList(0, tests.indexOf("rm -rf /opt/kiln/source && mkdir -p /opt/kiln/source"));
        assertThat(checks).contains("kiln_fixed ALAS2023-2025-1300 dnf check-update -q --advisory=ALAS2023-2025-1300 --releasever=2023.9.20251105");

        // dnf check-update exits 100 when it finds updates: a package the advisory fixes is below its fixed version
        fakeCommand(dir, "dnf", "echo 'expat.aarch64   2.6.4-1.amzn2023.0.1   amazonlinux'; exit 100");
        Result vulnerable = runBash(dir, checks);
        assertThat(vulnerable.exit()).isEqualTo(1);
        assertThat(vulnerable.output()).contains("advisory ALAS2023-2025-1300 is not applied: these packages are below its fixed versions:",
                "expat.aarch64   2.6.4-1.amzn2023.0.1");

        fakeCommand(dir, "dnf", "exit 0");
        Result fixed = runBash(dir, checks);
        assertThat(fixed.exit()).isZero();
        assertThat(fixed.output()).contains("advisory ALAS2023-2025-1300: every package it fixes is at or above its fixed version");

        fakeCommand(dir, "dnf", "echo 'Error: Failed to download metadata for repo'; exit 1");
        assertThat(runBash(dir, checks).output()).contains("could not check advisory ALAS2023-2025-1300 (exit status 1)");
    }

    @Test
    void shouldCheckAnAmazonLinux2AdvisoryWithYum() {
        assertThat(BakeCommands.tests(AL2, BUNDLE, "tests.sh", List.of(new BakeInput.Advisory("ALAS2-2025-3001", null))))
                .contains("kiln_fixed ALAS2-2025-3001 yum check-update -q --advisory=ALAS2-2025-3001");
    }

    @Test
    void shouldRecordTheManifestRemoveTheSourceAndPrintTheInventory() {
        List<String> lines = BakeCommands.record("{\"role\": \"web\", \"parentImageId\": \"@PARENT_IMAGE@\"}");

        assertThat(lines).contains(
                "cat > /etc/kiln/manifest.json.template <<'KILN_MANIFEST'",
                "{\"role\": \"web\", \"parentImageId\": \"@PARENT_IMAGE@\"}",
                "KILN_MANIFEST",
                "rm -rf /opt/kiln/source /opt/kiln/source.tar.gz");
        assertThat(lines.get(1)).contains("-X PUT http://169.254.169.254/latest/api/token");
        assertThat(lines).last().isEqualTo("rpm -qa --queryformat '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n' | sort");
    }

    private static List<String> advisoryScript(AmazonLinux os, BakeInput.Advisory advisory) {
        List<String> lines = BakeCommands.provision(os, BUNDLE, "p.yml", List.of(advisory));
        // the helper and the advisory lines, without the unpacking and the playbook
        return new ArrayList<>(lines.subList(lines.indexOf("kiln_advisory() {"), lines.size()));
    }

    private static void fakeCommand(Path dir, String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Result(int exit, String output) {
    }

    private static Result runBash(Path dir, List<String> lines) throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "set -euo pipefail\n" + String.join("\n", lines) + "\n");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
