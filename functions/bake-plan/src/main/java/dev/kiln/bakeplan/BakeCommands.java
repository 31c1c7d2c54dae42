package dev.kiln.bakeplan;

import static dev.kiln.common.Shell.quote;

import dev.kiln.common.AdvisoryPatterns;
import dev.kiln.common.config.KilnConfig.AmazonLinux;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shell commands a bake runs through Run Command (AWS-RunShellScript, one line per list element) on
 * its builder, and on the instance that tests its image. Everything put into them comes from the checked input and configuration, and is
 * quoted besides, so no event field can inject a command.
 */
public final class BakeCommands {

    /**
     * Where the source bundle is unpacked, on the builder (removed again before the image is made) and on
     * the instance that runs the server tests.
     */
    static final String SOURCE_DIR = "/opt/kiln/source";
    static final String MANIFEST = "/etc/kiln/manifest.json";


    private BakeCommands() {
    }

    /**
     * Unpacks the commit's bundle, installs Ansible when the image has none, runs the role's playbook
     * on the builder itself, then applies the requested advisories. An advisory the image does not need
     * ("No packages needed for security") is not a failure.
     */
    public static List<String> provision(AmazonLinux os, String bundleUri, String playbook, List<BakeInput.Advisory> advisories) {
        boolean al2023 = "2023".equals(os.version());
        List<String> lines = new ArrayList<>(List.of("set -euo pipefail"));
        lines.addAll(unpack(bundleUri));
        lines.addAll(List.of(
                al2023
                        ? "command -v ansible-playbook >/dev/null 2>&1 || dnf install -y ansible-core"
                        : "command -v ansible-playbook >/dev/null 2>&1 || amazon-linux-extras install -y ansible2",
                "cd " + SOURCE_DIR,
                "ansible-playbook -i localhost, -c local " + quote(playbook)));
        if (!advisories.isEmpty()) {
            lines.addAll(List.of(
                    "kiln_advisory() {",
                    "  out=$(\"$@\" 2>&1) && status=0 || status=$?",
                    "  printf '%s\\n' \"$out\"",
                    "  if [ \"$status\" -ne 0 ] && ! printf '%s' \"$out\" | grep -q 'No packages needed for security'; then",
                    "    echo \"advisory update failed with exit status $status: $*\" >&2",
                    "    exit \"$status\"",
                    "  fi",
                    "}"));
            for (BakeInput.Advisory advisory : advisories) {
                lines.add(advisoryCommand(os, advisory));
            }
        }
        return lines;
    }

    /** Puts the commit's bundle, fresh, into {@link #SOURCE_DIR}. */
    private static List<String> unpack(String bundleUri) {
        return List.of(
                "rm -rf " + SOURCE_DIR + " && mkdir -p " + SOURCE_DIR,
                "aws s3 cp " + quote(bundleUri) + " /opt/kiln/source.tar.gz --only-show-errors",
                "tar -xzf /opt/kiln/source.tar.gz -C " + SOURCE_DIR + " --strip-components=1");
    }

    /** The update command for one advisory: yum on Amazon Linux 2, dnf with the fix's release on AL2023. */
    static String advisoryCommand(AmazonLinux os, BakeInput.Advisory advisory) {
        require(AdvisoryPatterns.ID, advisory.id(), "advisory id");
        if ("2023".equals(os.version())) {
            require(AdvisoryPatterns.RELEASEVER, advisory.releasever(), "releasever");
            return "kiln_advisory dnf upgrade -y --advisory=" + advisory.id() + " --releasever=" + advisory.releasever();
        }
        return "kiln_advisory yum update -y --advisory=" + advisory.id();
    }

    /**
     * Runs on a fresh instance launched from the new image (the image carries no source): checks that no
     * package an applied advisory fixes is still below its fixed version (yum's or dnf's check-update for
     * the advisory finds nothing to update), then unpacks the commit's bundle again and runs the role's
     * server tests from it; either failing fails the bake.
     */
    public static List<String> tests(AmazonLinux os, String bundleUri, String tests, List<BakeInput.Advisory> advisories) {
        List<String> lines = new ArrayList<>(List.of("set -euo pipefail"));
        if (!advisories.isEmpty()) {
            lines.addAll(List.of(
                    "kiln_fixed() {",
                    "  id=$1; shift",
                    "  out=$(\"$@\" 2>&1) && status=0 || status=$?",
                    "  if [ \"$status\" -eq 100 ]; then",
                    "    echo \"advisory $id is not applied: these packages are below its fixed versions:\" >&2",
                    "    printf '%s\\n' \"$out\" >&2",
                    "    exit 1",
                    "  elif [ \"$status\" -ne 0 ]; then",
                    "    echo \"could not check advisory $id (exit status $status): $out\" >&2",
                    "    exit \"$status\"",
                    "  fi",
                    "  echo \"advisory $id: every package it fixes is at or above its fixed version\"",
                    "}"));
            for (BakeInput.Advisory advisory : advisories) {
                lines.add(fixedCheck(os, advisory));
            }
        }
        lines.addAll(unpack(bundleUri));
        lines.addAll(List.of(
                "cd " + SOURCE_DIR,
                "chmod +x " + quote(tests),
                "./" + quote(tests)));
        return lines;
    }

    /** Exits 100 (yum and dnf check-update) when a package the advisory fixes is below its fixed version. */
    static String fixedCheck(AmazonLinux os, BakeInput.Advisory advisory) {
        require(AdvisoryPatterns.ID, advisory.id(), "advisory id");
        if ("2023".equals(os.version())) {
            require(AdvisoryPatterns.RELEASEVER, advisory.releasever(), "releasever");
            return "kiln_fixed " + advisory.id() + " dnf check-update -q --advisory=" + advisory.id()
                    + " --releasever=" + advisory.releasever();
        }
        return "kiln_fixed " + advisory.id() + " yum check-update -q --advisory=" + advisory.id();
    }

    /**
     * Writes {@code /etc/kiln/manifest.json} (the parent image and the build time are only known on
     * the builder: the image it was launched from, and now), removes the source and package caches so
     * they are not in the image, and prints the package inventory, one {@code name<TAB>epoch:version-release<TAB>arch}
     * per line.
     */
    public static List<String> record(String manifestJson) {
        if (manifestJson.contains("KILN_MANIFEST")) {
            throw new IllegalArgumentException("the manifest may not contain the heredoc delimiter");
        }
        return List.of(
                "set -euo pipefail",
                "token=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')",
                "parent=$(curl -fsS -H \"X-aws-ec2-metadata-token: $token\" http://169.254.169.254/latest/meta-data/ami-id)",
                "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)",
                "mkdir -p /etc/kiln",
                "cat > " + MANIFEST + ".template <<'KILN_MANIFEST'",
                manifestJson,
                "KILN_MANIFEST",
                "sed -e \"s/@PARENT_IMAGE@/$parent/\" -e \"s/@BUILT_AT@/$built/\" " + MANIFEST + ".template > " + MANIFEST,
                "rm -f " + MANIFEST + ".template && chmod 0644 " + MANIFEST,
                "rm -rf " + SOURCE_DIR + " /opt/kiln/source.tar.gz",
                "(dnf clean all || yum clean all) >/dev/null 2>&1 || true",
                "rpm -qa --queryformat '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n' | sort");
    }

    private static void require(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": " + value);
        }
    }
}
