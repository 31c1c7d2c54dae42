package dev.kiln.common.release;

import static dev.kiln.common.Shell.quote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig.Drain;
import dev.kiln.common.config.KilnConfig.HealthCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shell scripts Kiln runs on a role's instances through Run Command (AWS-RunShellScript, one line
 * per element): installing a release, writing its env file, restarting, checking health, draining.
 * What goes into them comes from the checked configuration and release, and is quoted besides: no
 * event field ever reaches a command.
 */
public record InstanceCommands(Paths paths) {

    /** Where releases are unpacked and where Kiln's files on the instance live. */
    public record Paths(String releases, String etc) {

        public static final Paths DEFAULT = new Paths("/opt/kiln/releases", "/etc/kiln");
    }

    /** Why a release is installed; the artifact's {@code install} sees it as {@code KILN_PHASE}. */
    public enum Phase {
        /** into an image, by a bake */
        BAKE,
        /** on an instance going into a warm pool: installed, not started */
        PREPARE,
        /** on an instance going into service */
        DEPLOY;

        String value() {
            return name().toLowerCase();
        }
    }

    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9@._:-]{1,128}");

    /** The release installed on an instance ({@code release.json}), or {@code {}} when there is none. */
    public String releaseFile() {
        return paths.etc() + "/release.json";
    }

    public String envFile(String role) {
        return paths.etc() + "/" + checked(ROLE, role, "role") + ".env";
    }

    /** Prints the installed release as JSON, or {@code {}}. */
    public List<String> inspect() {
        return List.of("cat " + quote(releaseFile()) + " 2>/dev/null || echo '{}'");
    }

    /**
     * Downloads the artifact, refuses it unless its SHA-256 is the release's, unpacks it into its own
     * folder, runs its {@code install} (with KILN_ROLE, KILN_RELEASE_VERSION, KILN_ENV_FILE, KILN_PHASE)
     * and records the release in {@code release.json}.
     */
    public List<String> install(Release release, Phase phase) {
        String dir = paths.releases() + "/" + release.version();
        String tarball = dir + ".tar.gz";
        ObjectNode installed = Json.MAPPER.createObjectNode().put("role", release.role()).put("version", release.version())
                .put("sha256", release.sha256()).put("artifact", release.artifact());
        return List.of(
                "set -euo pipefail",
                "umask 022",
                "mkdir -p " + quote(paths.releases()) + " " + quote(paths.etc()),
                "aws s3 cp " + quote(release.artifact()) + " " + quote(tarball) + " --only-show-errors",
                "if ! echo " + quote(release.sha256() + "  " + tarball) + " | sha256sum --check --status; then",
                "  echo " + quote("kiln: the artifact's SHA-256 is not the release's " + release.sha256()
                        + "; refusing " + release.artifact()) + " >&2",
                "  rm -f " + quote(tarball),
                "  exit 3",
                "fi",
                "rm -rf " + quote(dir) + " && mkdir -p " + quote(dir),
                "tar -xzf " + quote(tarball) + " -C " + quote(dir),
                "rm -f " + quote(tarball),
                "if [ ! -x " + quote(dir + "/install") + " ]; then",
                "  echo " + quote("kiln: the artifact has no executable 'install' at its top") + " >&2",
                "  exit 4",
                "fi",
                "(cd " + quote(dir) + " && KILN_ROLE=" + quote(release.role()) + " KILN_RELEASE_VERSION="
                        + quote(release.version()) + " KILN_ENV_FILE=" + quote(envFile(release.role()))
                        + " KILN_PHASE=" + phase.value() + " ./install)",
                "printf '%s\\n' " + quote(installed.toString()) + " > " + quote(releaseFile() + ".new"),
                "mv " + quote(releaseFile() + ".new") + " " + quote(releaseFile()),
                "echo " + quote("kiln: release " + release.version() + " of " + release.role() + " installed (" + phase.value() + ")"));
    }

    /**
     * Writes the role's env file (mode 0600) from its Secrets Manager secret (a JSON object of
     * NAME: value; may not exist) and its Parameter Store path (each parameter's last name segment is
     * the NAME; the secret wins over a parameter of the same NAME). Values are never printed.
     */
    public List<String> writeEnv(String role, String secretId, String parameterPath) {
        String envFile = envFile(role);
        List<String> lines = new ArrayList<>(List.of(
                "set -euo pipefail",
                "umask 077",
                "mkdir -p " + quote(paths.etc()),
                "tmp=$(mktemp -d)",
                "trap 'rm -rf \"$tmp\"' EXIT",
                "if ! aws secretsmanager get-secret-value --secret-id " + quote(secretId)
                        + " --query SecretString --output text > \"$tmp/secret\" 2> \"$tmp/secret.err\"; then",
                "  if grep -q ResourceNotFoundException \"$tmp/secret.err\"; then echo '{}' > \"$tmp/secret\"; else",
                "    cat \"$tmp/secret.err\" >&2",
                "    echo " + quote("kiln: cannot read the secret " + secretId) + " >&2",
                "    exit 5",
                "  fi",
                "fi",
                "aws ssm get-parameters-by-path --path " + quote(parameterPath)
                        + " --recursive --with-decryption --output json > \"$tmp/parameters\"",
                "python3 - \"$tmp/secret\" \"$tmp/parameters\" \"$tmp/env\" <<'KILN_ENV'"));
        lines.addAll(ENV_WRITER);
        lines.addAll(List.of(
                "KILN_ENV",
                "mv \"$tmp/env\" " + quote(envFile),
                "chmod 0600 " + quote(envFile)));
        return lines;
    }

    // reads the secret and the parameters, checks the names, writes NAME="value" lines that both
    // systemd's EnvironmentFile and a shell read the same; prints names only, never a value
    private static final List<String> ENV_WRITER = List.of(
            "import json, re, sys",
            "secret_file, parameters_file, env_file = sys.argv[1:4]",
            "text = open(secret_file).read().strip() or '{}'",
            "try:",
            "    secret = json.loads(text)",
            "except ValueError:",
            "    sys.exit('kiln: the env secret is not JSON; it must be a JSON object of NAME: value')",
            "if not isinstance(secret, dict):",
            "    sys.exit('kiln: the env secret must be a JSON object of NAME: value')",
            "env = {}",
            "for parameter in json.load(open(parameters_file)).get('Parameters', []):",
            "    env[parameter['Name'].rsplit('/', 1)[-1]] = parameter['Value']",
            "for name, value in secret.items():",
            "    env[name] = value if isinstance(value, str) else json.dumps(value)",
            "bad = sorted(name for name in env if not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', name))",
            "if bad:",
            "    sys.exit('kiln: not valid environment variable names: ' + ', '.join(bad))",
            "def quoted(value):",
            "    for char in ('\\\\', '\"', '$', '`'):",
            "        value = value.replace(char, '\\\\' + char)",
            "    return '\"' + value + '\"'",
            "with open(env_file, 'w') as out:",
            "    for name in sorted(env):",
            "        out.write(name + '=' + quoted(env[name]) + '\\n')",
            "print('kiln: env file with ' + str(len(env)) + ' variables: ' + ', '.join(sorted(env)))");

    /** Restarts the role's service and checks that it stays up. */
    public List<String> restart(String service) {
        String unit = quote(checked(SERVICE, service, "service"));
        return List.of(
                "set -euo pipefail",
                "systemctl daemon-reload",
                "systemctl restart " + unit,
                "sleep 1",
                "systemctl is-active --quiet " + unit + " || { systemctl status --no-pager " + unit + " >&2 || true; exit 6; }",
                "echo " + quote("kiln: " + service + " restarted"));
    }

    /** Asks the health check URL until it answers 2xx; fails after its attempts. */
    public List<String> health(HealthCheck check) {
        String url = quote(check.url());
        return List.of(
                "for attempt in $(seq 1 " + check.attempts() + "); do",
                "  if curl -fsS -o /dev/null --max-time 5 " + url + "; then",
                "    echo \"kiln: health check passed (attempt $attempt)\"",
                "    exit 0",
                "  fi",
                "  sleep " + check.intervalSeconds(),
                "done",
                "echo " + quote("kiln: " + check.url() + " did not answer 2xx in " + check.attempts() + " attempts, "
                        + check.intervalSeconds() + " s apart") + " >&2",
                "exit 1");
    }

    /**
     * Runs the drain command, then the flush command, together within the drain's bound; reports each
     * one that fails or runs out of time, and exits non-zero if any did.
     */
    public List<String> drain(Drain drain) {
        List<String> lines = new ArrayList<>(List.of(
                "set -uo pipefail",
                "deadline=$(( $(date +%s) + " + drain.timeoutSeconds() + " ))",
                "failed=0",
                "kiln_step() {",
                "  left=$(( deadline - $(date +%s) ))",
                "  if [ \"$left\" -le 0 ]; then echo \"kiln: no time left for the $1\" >&2; failed=1; return; fi",
                "  timeout --kill-after=5 \"$left\" bash -c \"$2\"",
                "  status=$?",
                "  if [ \"$status\" -eq 124 ] || [ \"$status\" -eq 137 ]; then echo \"kiln: the $1 ran out of time\" >&2; failed=1",
                "  elif [ \"$status\" -ne 0 ]; then echo \"kiln: the $1 failed with exit status $status\" >&2; failed=1",
                "  else echo \"kiln: the $1 is done\"; fi",
                "}"));
        if (drain.command() != null) {
            lines.add("kiln_step 'drain command' " + quote(drain.command()));
        }
        if (drain.flushCommand() != null) {
            lines.add("kiln_step 'log flush' " + quote(drain.flushCommand()));
        }
        lines.add("exit $failed");
        return lines;
    }

    private static String checked(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": " + value);
        }
        return value;
    }
}
