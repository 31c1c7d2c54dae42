"""The commands an instance's sandbox has in place of the machine's: `tools.py NAME ARGS...`.

Runs inside the sandbox (bin/NAME calls it), with the standard library only. Each command works on
the sandbox's files as the real one works on the machine:

- rpm, dnf, yum, amazon-linux-extras: the package database /var/lib/local-cloud/packages.tsv, one
  package a line: name, epoch:version-release, arch, source rpm (tab-separated; what
  `rpm -qa --queryformat '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n'`
  prints). dnf installs what repository.tsv (beside this file) offers, and upgrades a package to the
  fixed version an advisory in /.local-cloud/advisories.tsv names (advisory, package, fixed
  epoch:version-release). --releasever is accepted and ignored: there is one repository.
- systemctl: unit state in /var/lib/local-cloud/systemd/<unit> ("enabled active"). A unit is
  installed when /etc/systemd/system/<unit>.service exists or a package of the unit's name (or the
  package UNIT_PACKAGES names) is installed; only an installed unit starts or is enabled.
- curl: the instance metadata service (IMDSv2) at 169.254.169.254 and the instance's own web server
  at 127.0.0.1/localhost, which answers while a unit other than the SSM agent is active and the
  instance has no health-fails fault, else refuses the connection: a path naming a file under nginx's
  root (/usr/share/nginx/html; a path ending in / its index.html) with the file, any other path with
  200 "ok" (the application's health endpoint, say). Anything else is the real curl.
- aws: the real AWS CLI, calling the local cloud with the instance's credentials (from the script's
  environment) and without asking the metadata service for any.
- timedatectl (set-timezone, show, status) and nginx (-t, when the nginx package is installed).

/.local-cloud/instance.json says which instance this is: its metadata, faults, the local cloud's
endpoint and where the AWS CLI is.
"""

import fnmatch
import hashlib
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGES = Path("/var/lib/local-cloud/packages.tsv")
UNITS = Path("/var/lib/local-cloud/systemd")
ADVISORIES = Path("/.local-cloud/advisories.tsv")
INSTANCE = Path("/.local-cloud/instance.json")
AGENT = "amazon-ssm-agent"
NGINX_ROOT = Path("/usr/share/nginx/html")
UNIT_PACKAGES = {"chronyd": "chrony", "sshd": "openssh-server", "crond": "cronie", "httpd": "httpd"}
EXTRAS_TOPICS = {"ansible2": ["ansible"], "nginx1": ["nginx"], "docker": ["docker"]}
IMDS = "169.254.169.254"


def instance() -> dict:
    return json.loads(INSTANCE.read_text())


def err(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr)


# --- packages -----------------------------------------------------------------------------------


def read_packages(path: Path = PACKAGES) -> dict[str, list[str]]:
    """name -> [name, epoch:version-release, arch, source rpm]"""
    if not path.exists():
        return {}
    rows = [line.split("\t") for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {row[0]: row for row in rows if len(row) == 4}


def write_packages(packages: dict[str, list[str]]) -> None:
    PACKAGES.parent.mkdir(parents=True, exist_ok=True)
    staged = PACKAGES.with_suffix(".new")
    staged.write_text("".join("\t".join(packages[name]) + "\n" for name in sorted(packages)))
    staged.replace(PACKAGES)


def split_evr(evr: str) -> tuple[int, str, str]:
    epoch, _, version_release = evr.rpartition(":")
    version, _, release = version_release.partition("-")
    return int(epoch or 0), version, release


def compare_versions(a: str, b: str) -> int:
    """rpm's version comparison: digit runs compare as numbers and beat letter runs, ~ sorts first."""
    a_parts, b_parts = re.findall(r"~|\d+|[a-zA-Z]+", a), re.findall(r"~|\d+|[a-zA-Z]+", b)
    for x, y in zip(a_parts, b_parts):
        if x != y:
            if "~" in (x, y):
                return -1 if x == "~" else 1
            if x.isdigit() != y.isdigit():
                return 1 if x.isdigit() else -1
            if x.isdigit():
                return (int(x) > int(y)) - (int(x) < int(y))
            return (x > y) - (x < y)
    longer = a_parts[len(b_parts):] or b_parts[len(a_parts):]
    if not longer:
        return 0
    sign = 1 if len(a_parts) > len(b_parts) else -1
    return -sign if longer[0] == "~" else sign


def compare_evr(a: str, b: str) -> int:
    (ea, va, ra), (eb, vb, rb) = split_evr(a), split_evr(b)
    return (ea > eb) - (ea < eb) or compare_versions(va, vb) or compare_versions(ra, rb)


def nevra(row: list[str]) -> str:
    epoch, version, release = split_evr(row[1])
    return f"{row[0]}-{f'{epoch}:' if epoch else ''}{version}-{release}.{row[2]}"


def version_release(evr: str) -> str:
    epoch, version, release = split_evr(evr)
    return f"{f'{epoch}:' if epoch else ''}{version}-{release}"


RPM_TAGS = {
    "NAME": lambda row: row[0],
    "EPOCH": lambda row: str(split_evr(row[1])[0] or "(none)"),
    "EPOCHNUM": lambda row: str(split_evr(row[1])[0]),
    "VERSION": lambda row: split_evr(row[1])[1],
    "RELEASE": lambda row: split_evr(row[1])[2],
    "ARCH": lambda row: row[2],
    "SOURCERPM": lambda row: row[3],
}


def rpm(name: str, args: list[str]) -> int:
    query = query_all = False
    queryformat, patterns = "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n", []
    words = iter(args)
    for word in words:
        if word in ("--queryformat", "--qf"):
            queryformat = next(words, "")
        elif word.startswith(("--queryformat=", "--qf=")):
            queryformat = word.split("=", 1)[1]
        elif word.startswith("-") and not word.startswith("--"):
            query |= "q" in word
            query_all |= "a" in word
        elif word == "--all":
            query_all = True
        elif not word.startswith("-"):
            patterns.append(word)
    if not query:
        err(f"{name}: the local cloud's rpm only queries (-q, -qa)")
        return 1
    unknown = [tag for tag in re.findall(r"%\{(\w+)\}", queryformat) if tag.upper() not in RPM_TAGS]
    if unknown:
        err(f"error: incorrect format: unknown tag: \"{unknown[0]}\"")
        return 1
    form = queryformat.replace("\\t", "\t").replace("\\n", "\n")

    def render(row):
        return re.sub(r"%\{(\w+)\}", lambda match: RPM_TAGS[match[1].upper()](row), form)

    packages = read_packages()
    if query_all:
        for package in sorted(packages):
            if not patterns or any(fnmatch.fnmatchcase(package, p) for p in patterns):
                sys.stdout.write(render(packages[package]))
        return 0
    missing = 0
    for package in patterns:
        if package in packages:
            sys.stdout.write(render(packages[package]))
        else:
            print(f"package {package} is not installed")
            missing += 1
    return missing


# --- dnf, yum and amazon-linux-extras -----------------------------------------------------------


def advisories() -> list[list[str]]:
    """[advisory, package, fixed epoch:version-release] rows"""
    if not ADVISORIES.exists():
        return []
    rows = [line.split("\t") for line in ADVISORIES.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return [row for row in rows if len(row) == 3]


def pending_updates(packages, wanted_advisories, names) -> dict[str, str]:
    """package -> the newest fixed version above the installed one, from the advisories asked for (all if None)."""
    updates: dict[str, str] = {}
    for advisory, package, fixed in advisories():
        if wanted_advisories is not None and advisory not in wanted_advisories:
            continue
        if package not in packages or (names and package not in names):
            continue
        if compare_evr(packages[package][1], fixed) < 0 and compare_evr(updates.get(package, "0:0-0"), fixed) < 0:
            updates[package] = fixed
    return updates


def upgraded(row: list[str], evr: str) -> list[str]:
    _, version, release = split_evr(evr)
    source = re.sub(r"-[^-]+-[^-]+\.src\.rpm$", "", row[3])
    return [row[0], evr, row[2], f"{source}-{version}-{release}.src.rpm"]


def dnf(name: str, args: list[str]) -> int:
    wanted_advisories, security, words = None, False, []
    arguments = iter(args)
    for word in arguments:
        if word.startswith(("--advisory=", "--advisories=")):
            wanted_advisories = (wanted_advisories or set()) | set(word.split("=", 1)[1].split(","))
        elif word in ("--advisory", "--advisories"):
            wanted_advisories = (wanted_advisories or set()) | set(next(arguments, "").split(","))
        elif word in ("--releasever", "--setopt", "-e", "--enablerepo", "--disablerepo"):
            next(arguments, None)
        elif word in ("--security", "--sec-severity"):
            security = True
        elif not word.startswith("-"):
            words.append(word)
    if not words:
        err(f"{name}: a command is required (the local cloud's {name}: install, upgrade, update, check-update, clean)")
        return 1
    verb, names = words[0], words[1:]
    packages = read_packages()
    if verb == "install":
        return install(packages, names)
    if verb == "clean":
        print("0 files removed")
        return 0
    if verb not in ("upgrade", "update", "check-update"):
        err(f"No such command: {verb}. Please use /usr/bin/{name} --help")
        return 1
    security_only = security or wanted_advisories is not None
    updates = pending_updates(packages, wanted_advisories, set(names))
    if verb == "check-update":
        for package, fixed in sorted(updates.items()):
            print(f"{package + '.' + packages[package][2]:<40} {version_release(fixed):<32} amazonlinux")
        return 100 if updates else 0
    if not updates:
        if security_only:
            print("No packages needed for security; 0 packages available")
        print("Dependencies resolved.\nNothing to do.\nComplete!")
        return 0
    print("Dependencies resolved.\nUpgraded:")
    for package, fixed in sorted(updates.items()):
        packages[package] = upgraded(packages[package], fixed)
        print(f"  {nevra(packages[package])}")
    write_packages(packages)
    print("\nComplete!")
    return 0


def install(packages, names) -> int:
    if not names:
        err("Error: Need to pass a list of pkgs to install")
        return 1
    repository = read_packages(HERE / "repository.tsv")
    missing = [n for n in names if n not in packages and n not in repository]
    for package in missing:
        print(f"No match for argument: {package}")
    if missing:
        err(f"Error: Unable to find a match: {' '.join(missing)}")
        return 1
    added = [n for n in names if n not in packages]
    for package in names:
        if package in packages:
            print(f"Package {nevra(packages[package])} is already installed.")
    if not added:
        print("Dependencies resolved.\nNothing to do.\nComplete!")
        return 0
    print("Dependencies resolved.\nInstalled:")
    for package in added:
        packages[package] = repository[package]
        print(f"  {nevra(packages[package])}")
    write_packages(packages)
    print("\nComplete!")
    return 0


def amazon_linux_extras(name: str, args: list[str]) -> int:
    words = [word for word in args if not word.startswith("-")]
    if not words or words[0] != "install" or len(words) < 2:
        err(f"{name}: the local cloud's amazon-linux-extras only installs topics: install -y TOPIC...")
        return 1
    unknown = [topic for topic in words[1:] if topic not in EXTRAS_TOPICS]
    if unknown:
        err(f"Topic {unknown[0]} is not found.")
        return 1
    return install(read_packages(), [package for topic in words[1:] for package in EXTRAS_TOPICS[topic]])


# --- systemctl ----------------------------------------------------------------------------------


def unit_state(unit: str) -> tuple[bool, bool]:
    """(enabled, active)"""
    path = UNITS / unit
    words = path.read_text().split() if path.exists() else []
    return "enabled" in words, "active" in words


def set_unit_state(unit: str, enabled: bool | None = None, active: bool | None = None) -> None:
    was_enabled, was_active = unit_state(unit)
    UNITS.mkdir(parents=True, exist_ok=True)
    enabled = was_enabled if enabled is None else enabled
    active = was_active if active is None else active
    (UNITS / unit).write_text(f"{'enabled' if enabled else 'disabled'} {'active' if active else 'inactive'}\n")


def unit_installed(unit: str, packages) -> bool:
    return (Path("/etc/systemd/system") / f"{unit}.service").exists() or unit in packages \
        or UNIT_PACKAGES.get(unit) in packages


def systemctl(name: str, args: list[str]) -> int:
    flags = {word for word in args if word.startswith("-")}
    words = [word for word in args if not word.startswith("-")]
    if not words:
        err(f"{name}: the local cloud's systemctl needs a command")
        return 1
    verb, units = words[0], [u.removesuffix(".service") for u in words[1:]]
    quiet, now = bool(flags & {"--quiet", "-q"}), "--now" in flags
    packages = read_packages()
    if verb in ("daemon-reload", "daemon-reexec"):
        return 0
    if verb not in ("start", "restart", "reload", "try-restart", "stop", "enable", "disable", "is-active",
                    "is-enabled", "status"):
        err(f"Unknown command verb '{verb}'.")
        return 1
    if not units:
        err("Too few arguments.")
        return 1
    code = 0
    for unit in units:
        installed, (enabled, active) = unit_installed(unit, packages), unit_state(unit)
        if verb in ("start", "restart", "reload", "try-restart"):
            if not installed:
                err(f"Failed to {verb} {unit}.service: Unit {unit}.service not found.")
                code = 5
            elif verb != "try-restart" or active:
                set_unit_state(unit, active=True)
        elif verb == "stop":
            if not installed:
                err(f"Failed to stop {unit}.service: Unit {unit}.service not loaded.")
                code = 5
            else:
                set_unit_state(unit, active=False)
        elif verb in ("enable", "disable"):
            if not installed:
                err(f"Failed to {verb} unit: Unit file {unit}.service does not exist.")
                code = 1
                continue
            if verb == "enable" and not enabled:
                err(f"Created symlink /etc/systemd/system/multi-user.target.wants/{unit}.service"
                    f" \u2192 /usr/lib/systemd/system/{unit}.service.")
            elif verb == "disable" and enabled:
                err(f"Removed \"/etc/systemd/system/multi-user.target.wants/{unit}.service\".")
            set_unit_state(unit, enabled=verb == "enable", active=(verb == "enable") if now else None)
        elif verb == "is-active":
            if not quiet:
                print("active" if installed and active else "inactive")
            code = code or (0 if installed and active else 3)
        elif verb == "is-enabled":
            if not installed:
                err(f"Failed to get unit file state for {unit}.service: No such file or directory")
                code = 1
            else:
                if not quiet:
                    print("enabled" if enabled else "disabled")
                code = code or (0 if enabled else 1)
        elif not installed:
            err(f"Unit {unit}.service could not be found.")
            code = 4
        else:
            print(f"\u25cf {unit}.service - {unit}\n"
                  f"     Loaded: loaded (/usr/lib/systemd/system/{unit}.service; {'enabled' if enabled else 'disabled'};"
                  f" preset: disabled)\n"
                  f"     Active: {'active (running)' if active else 'inactive (dead)'}")
            code = code or (0 if active else 3)
    return code


# --- curl ---------------------------------------------------------------------------------------

CURL_VALUE_OPTIONS = {"-o": "output", "--output": "output", "-X": "method", "--request": "method",
                      "-H": "header", "--header": "header", "-m": "max-time", "--max-time": "max-time",
                      "--connect-timeout": None, "-d": None, "--data": None, "--data-raw": None, "-w": None,
                      "--write-out": None, "-u": None, "--user": None, "-A": None, "--user-agent": None,
                      "--retry": None, "--retry-delay": None, "-e": None, "--referer": None}
CURL_LONG_FLAGS = {"--fail": "-f", "--silent": "-s", "--show-error": "-S"}


def parse_curl(args: list[str]) -> dict:
    request = {"method": None, "headers": {}, "output": None, "url": None, "flags": set()}
    words = iter(args)
    for word in words:
        option = word.split("=", 1)[0] if word.startswith("--") else word[:2] if word.startswith("-") else None
        if option is None:
            request["url"] = request["url"] or word
            continue
        if word.startswith("--") and option not in CURL_VALUE_OPTIONS:
            request["flags"].add(CURL_LONG_FLAGS.get(word, word))
            continue
        if not word.startswith("--"):
            # a cluster of short flags, the last of which may take a value (-fsSo FILE)
            for index, letter in enumerate(word[1:]):
                if f"-{letter}" in CURL_VALUE_OPTIONS:
                    option, rest = f"-{letter}", word[2 + index:]
                    break
                request["flags"].add(f"-{letter}")
            else:
                continue
            value = rest or next(words, "")
        else:
            value = word.split("=", 1)[1] if "=" in word else next(words, "")
        key = CURL_VALUE_OPTIONS[option]
        if key == "header":
            header, _, header_value = value.partition(":")
            request["headers"][header.strip().lower()] = header_value.strip()
        elif key:
            request[key] = value
    return request


def curl(name: str, args: list[str]) -> int:
    request = parse_curl(args)
    match = re.match(r"^(?:https?://)?\[?([^/:\]]+)\]?(?::(\d+))?(/[^?#]*)?", request["url"] or "")
    host, port, path = (match[1], match[2], match[3] or "/") if match else (None, None, "/")
    me = instance()
    gateway_port = me["endpoint"].rsplit(":", 1)[1]
    if host == IMDS:
        status, body = metadata_service(me, request["method"] or "GET", path, request["headers"])
    elif host in ("127.0.0.1", "localhost") and port != gateway_port:
        if "health-fails" in me["faults"] or not serving():
            if "-s" not in request["flags"] or "-S" in request["flags"]:
                err(f"curl: (7) Failed to connect to {host} port {port or 80} after 0 ms: Couldn't connect to server")
            return 7
        page = served_page(path)
        status, body = 200, page.read_text() if page else "ok"
    else:
        os.execv("/usr/bin/curl", ["curl", *args])
    if status >= 400 and "-f" in request["flags"]:
        if "-s" not in request["flags"] or "-S" in request["flags"]:
            err(f"curl: (22) The requested URL returned error: {status}")
        return 22
    if request["output"] and request["output"] != "-":
        Path(request["output"]).write_text(body)
    else:
        sys.stdout.write(body)
    return 0


def served_page(path: str) -> Path | None:
    """The file under nginx's root that a request for the path gets, if there is one."""
    root = NGINX_ROOT.resolve()
    page = (root / path.lstrip("/")).resolve()
    if path.endswith("/"):
        page = page / "index.html"
    return page if page.is_relative_to(root) and page.is_file() else None


def serving() -> bool:
    """Whether the instance's web server answers: a unit other than the SSM agent is active."""
    return UNITS.is_dir() and any(u.name != AGENT and unit_state(u.name)[1] for u in UNITS.iterdir())


def metadata_service(me: dict, method: str, path: str, headers: dict) -> tuple[int, str]:
    """IMDSv2: a PUT /latest/api/token gives a token; every other request needs it."""
    token = hashlib.sha256(f"imds:{me['instance-id']}".encode()).hexdigest()
    if path == "/latest/api/token":
        if method != "PUT" or not headers.get("x-aws-ec2-metadata-token-ttl-seconds", "").isdigit():
            return 400, "Bad Request"
        return 200, token
    if headers.get("x-aws-ec2-metadata-token") != token:
        return 401, "Unauthorized"
    prefix = "/latest/meta-data/"
    key = path[len(prefix):] if path.startswith(prefix) else None
    if path.rstrip("/") == prefix.rstrip("/"):
        return 200, "\n".join(sorted({k.split("/")[0] + ("/" if "/" in k else "") for k in me["metadata"]}))
    if key in me["metadata"]:
        return 200, me["metadata"][key]
    return 404, "Not Found"


# --- aws, timedatectl, nginx --------------------------------------------------------------------


def aws(name: str, args: list[str]) -> int:
    me = instance()
    env = dict(os.environ, AWS_ENDPOINT_URL=me["endpoint"], AWS_EC2_METADATA_DISABLED="true")
    os.execve(me["aws"], ["aws", *args], env)


def timedatectl(name: str, args: list[str]) -> int:
    words = [word for word in args if not word.startswith("-")]
    localtime = Path("/etc/localtime")
    zone = os.readlink(localtime).split("zoneinfo/", 1)[-1] if localtime.is_symlink() else "UTC"
    if words[:1] == ["set-timezone"] and len(words) == 2:
        if not (Path("/usr/share/zoneinfo") / words[1]).is_file():
            err(f"Failed to set time zone: Invalid or unknown time zone '{words[1]}'")
            return 1
        localtime.unlink(missing_ok=True)
        localtime.symlink_to(f"../usr/share/zoneinfo/{words[1]}")
    elif words[:1] == ["show"]:
        print(zone if "--value" in args else f"Timezone={zone}")
    elif not words or words[0] == "status":
        print(f"                Time zone: {zone}\nSystem clock synchronized: yes\n              NTP service: active")
    return 0


def nginx(name: str, args: list[str]) -> int:
    if "nginx" not in read_packages():
        err("bash: nginx: command not found")
        return 127
    if "-t" in args:
        err("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
            "nginx: configuration file /etc/nginx/nginx.conf test is successful")
    return 0


COMMANDS = {"rpm": rpm, "dnf": dnf, "yum": dnf, "amazon-linux-extras": amazon_linux_extras, "systemctl": systemctl,
            "curl": curl, "aws": aws, "timedatectl": timedatectl, "nginx": nginx}

if __name__ == "__main__":
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[1], sys.argv[2:]))
