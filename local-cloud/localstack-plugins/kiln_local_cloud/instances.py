"""Each EC2 instance is a sandbox that Run Command's scripts really run in (run_command.py sends them).

On AWS an instance is a machine: a script run on it sees the machine's root filesystem, runs as
root, finds the machine's tools (rpm, dnf, systemctl, curl, the AWS CLI) and calls AWS as the role
of the instance's profile. LocalStack (moto) keeps an instance as a record only.

Here each instance has a directory, $KILN_INSTANCES_DIR/<instance-id>/root (default
<FILESYSTEM_ROOT or the temp dir>/kiln-instances), made when its first command runs: its own
writable /etc (a copy of the host's, made to say Amazon Linux 2023 and UTC), /opt, /var, /tmp,
/home, /root, /srv and /run. A script runs chrooted into it, in new mount and PID namespaces
(unshare, with --map-root-user when the local cloud does not run as root; sandbox/launch.sh): the
host's /bin, /sbin, /lib and /lib64 are bound read-only, its /usr is the lower layer of the
instance's own /usr (overlayfs: an install may write /usr/share, the host's /usr never changes),
/proc is fresh and /dev has only null, zero, full, random, urandom and tty. Whatever a
script writes stays in its sandbox. Ending a namespace's first process ends every process in it, so
a command's processes (background ones too) end with the command, on its execution timeout, and
when its instance stops or is terminated; a terminated instance's sandbox is deleted, as its root
volume is. Sandboxes left by an earlier run of the local cloud are deleted when it starts.

PATH starts with /.local-cloud/sandbox/bin (this package's sandbox/ directory, bound read-only):
rpm, dnf, yum, amazon-linux-extras, systemctl, curl, timedatectl, nginx and aws, which work on the
sandbox's files (sandbox/tools.py), and ansible-playbook (sandbox/ansible_playbook.py), which runs a
playbook's dnf, template, copy, file, service and command tasks with those and fails the play on any
other module. The AWS CLI is the local cloud's venv's (bound read-only at the
same path, with the Python it was made from) and calls the local cloud as the instance's role
(AssumeRole of its instance profile's role, session name the instance id; no profile, no
credentials). The other commands are the host's (bash, python3, tar, sha256sum, the real curl, ...).

Images: CreateImage keeps the instance's disk as the image's ($KILN_INSTANCES_DIR/images/<ami-id>/:
root/ and usr-changes/, less /tmp and /run, which Amazon Linux 2023 keeps in memory), and an instance
launched from such an image starts from a copy of it, booted: its enabled units active, the others
not. A base AMI (not made here) boots for the first time: the host's /etc made Amazon Linux, the
package database (/var/lib/local-cloud/packages.tsv) from sandbox/image-packages.tsv, a short Amazon
Linux 2023 list, and only the SSM agent's unit enabled and active. Which packages an advisory
upgrades is in sandbox/advisories.tsv, plus the lines of the file KILN_LOCAL_ADVISORIES names (tests
add their own).

On by default; KILN_LOCAL_INSTANCES=off (scripts/local-cloud passes it through) leaves instances as
moto's records, whose Run Command reports an instant "Success" having run nothing. run_command.py
follows the same switch.

Faults, for tests: the instance tag local-cloud:fault (or a line "<tag>=<value>[&<tag>=<value>...]<TAB><faults>"
of the file KILN_LOCAL_FAULTS names, for instances with all those tags) is a comma-separated list of agent-offline
(the SSM agent never comes online), command-fails (every command fails with exit code 1),
command-hangs (every command runs until its execution timeout: a stuck drain or provisioning) and
health-fails (curl to the instance's own web server on 127.0.0.1 is refused).
"""

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

SANDBOX = Path(__file__).parent / "sandbox"
FAULT_TAG = "local-cloud:fault"
AGENT_UNIT = "amazon-ssm-agent"
PATH = "/.local-cloud/sandbox/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
OWN_DIRS = {"opt": 0o755, "var": 0o755, "tmp": 0o1777, "home": 0o755, "root": 0o700, "srv": 0o755, "run": 0o755}
OS_RELEASE = """NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023"
"""


def instances_dir() -> Path:
    configured = os.environ.get("KILN_INSTANCES_DIR", "").strip()
    if configured:
        return Path(configured)
    return Path(os.environ.get("FILESYSTEM_ROOT") or tempfile.gettempdir()) / "kiln-instances"


def image_packages(image_id: str, base: Path | None = None) -> Path:
    """The package database instances launched from the image start with."""
    saved = (base or instances_dir()) / "images" / image_id / "packages.tsv"
    return saved if saved.is_file() else SANDBOX / "image-packages.tsv"


def faults(tags: dict[str, str]) -> frozenset[str]:
    """The instance's faults: its local-cloud:fault tag's, and those of every rule its tags match."""
    named = tags.get(FAULT_TAG, "")
    for rule, rule_faults in fault_rules():
        if all(tags.get(key) == value for key, _, value in (tag.partition("=") for tag in rule.split("&"))):
            named += "," + rule_faults
    return frozenset(f.strip() for f in named.split(",") if f.strip())


def fault_rules() -> list[tuple[str, str]]:
    """The lines "<tag key>=<tag value>[&<tag key>=<tag value>...]<TAB><fault>[,<fault>]" of the file
    KILN_LOCAL_FAULTS names: faults for instances that something else launches (a bake's builder, tagged
    kiln:commit=<sha>), or that a group launches from one launch template version (tagged
    aws:ec2launchtemplate:id=<id>&aws:ec2launchtemplate:version=<n>)."""
    path = os.environ.get("KILN_LOCAL_FAULTS", "").strip()
    try:
        lines = Path(path).read_text().splitlines() if path else []
    except FileNotFoundError:
        return []
    return [tuple(line.split("\t", 1)) for line in lines if "\t" in line and not line.startswith("#")]


def instance_tags(instance) -> dict[str, str]:
    return dict(instance.ec2_backend.tags.get(instance.id, {}))


@dataclass(frozen=True)
class Machine:
    """What a sandbox knows of its instance: what its metadata service answers, and its faults."""

    instance_id: str
    image_id: str
    instance_type: str
    availability_zone: str
    private_ip: str
    region: str
    faults: frozenset[str] = frozenset()

    @classmethod
    def of(cls, instance) -> "Machine":
        return cls(instance.id, instance.image_id, instance.instance_type, instance.availability_zone,
                   instance.private_ip or "", region_of(instance), faults(instance_tags(instance)))

    @property
    def hostname(self) -> str:
        domain = "ec2.internal" if self.region == "us-east-1" else f"{self.region}.compute.internal"
        return f"ip-{self.private_ip.replace('.', '-')}.{domain}"

    def metadata(self) -> dict[str, str]:
        return {"instance-id": self.instance_id, "ami-id": self.image_id, "instance-type": self.instance_type,
                "placement/availability-zone": self.availability_zone, "placement/region": self.region,
                "local-ipv4": self.private_ip, "hostname": self.hostname, "local-hostname": self.hostname}


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    ended: str  # "exited", "timed out", or why its instance ended it: "stopped", "terminated"


class Execution:
    """A script running in a sandbox: unshare, first of its own session, and the namespaces it made."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen
        self.ended = "exited"

    def kill(self, why: str) -> None:
        if self.popen.poll() is None:
            self.ended = why
            # unshare and the namespace's first process; that one's end ends the namespace's processes
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float) -> Outcome:
        try:
            out, err = self.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill("timed out")
            out, err = self.popen.communicate()
        code = self.popen.returncode
        return Outcome(code if code >= 0 else 128 - code, out.decode(errors="replace"), err.decode(errors="replace"),
                       self.ended)


_running: dict[str, set[Execution]] = {}
_running_lock = threading.Lock()


def end_commands(instance_id: str, why: str) -> None:
    """Kills the processes of every command running on the instance (it stopped or was terminated)."""
    with _running_lock:
        executions = list(_running.get(instance_id, ()))
    for execution in executions:
        execution.kill(why)


class Sandbox:
    def __init__(self, instance_id: str, base: Path | None = None, endpoint: str | None = None):
        self.instance_id = instance_id
        self.base = base or instances_dir()
        self.dir = self.base / instance_id
        self.root = self.dir / "root"
        self.endpoint = endpoint

    @property
    def packages(self) -> Path:
        return self.root / "var/lib/local-cloud/packages.tsv"

    def serving(self) -> bool:
        """Whether the instance's web server answers (sandbox/tools.py's serving, seen from the host): a unit
        other than the SSM agent is active."""
        units = self.root / "var/lib/local-cloud/systemd"
        try:
            return any(u.name != AGENT_UNIT and "active" in u.read_text().split() for u in units.iterdir())
        except OSError:
            return False

    def create(self, image_id: str) -> "Sandbox":
        """Makes the instance's root filesystem from its image's disk, unless it has one."""
        if self.root.is_dir():
            return self
        self.dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".root-", dir=self.dir))
        try:
            image = self.base / "images" / image_id
            if (image / "root").is_dir():
                _copy(image / "root", staging)
                if (image / "usr-changes").is_dir():
                    _copy(image / "usr-changes", self.dir / "usr-changes")
                _boot(staging / "var/lib/local-cloud/systemd")
            else:
                self._first_boot(staging, image_id)
            (staging / ".local-cloud").mkdir()
            staging.rename(self.root)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not self.root.is_dir():  # not made meanwhile by another command
                raise
        return self

    def _first_boot(self, staging: Path, image_id: str) -> None:
        """An image not made here (a base AMI): the host's /etc made Amazon Linux, the fixture's packages."""
        try:
            shutil.copytree("/etc", staging / "etc", symlinks=True, ignore_dangling_symlinks=True)
        except shutil.Error as error:
            LOG.debug("kiln: %s: some of the host's /etc was not copied: %s", self.instance_id, error)
        for name in ("os-release", "localtime"):
            (staging / "etc" / name).unlink(missing_ok=True)
        (staging / "etc/os-release").write_text(OS_RELEASE)
        (staging / "etc/localtime").symlink_to("../usr/share/zoneinfo/UTC")
        for name, mode in OWN_DIRS.items():
            (staging / name).mkdir()
            (staging / name).chmod(mode)
        state = staging / "var/lib/local-cloud"
        (state / "systemd").mkdir(parents=True)
        shutil.copyfile(image_packages(image_id, self.base), state / "packages.tsv")
        (state / "systemd" / AGENT_UNIT).write_text("enabled active\n")

    def save_image(self, image_id: str, parent_image_id: str) -> None:
        """Keeps the instance's disk as the new image's: its root filesystem and /usr layer, less what
        Amazon Linux 2023 keeps in memory (/tmp, /run). An instance that never ran a command has its
        image's disk; a base AMI's is made at first boot, so its image keeps the packages only."""
        target = self.base / "images" / image_id
        source = self.dir if self.root.is_dir() else self.base / "images" / parent_image_id
        target.mkdir(parents=True, exist_ok=True)
        if (source / "root").is_dir():
            _copy(source / "root", target / "root")
            shutil.rmtree(target / "root/.local-cloud", ignore_errors=True)
            for memory in ("tmp", "run"):
                for entry in (target / "root" / memory).iterdir():
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
            if (source / "usr-changes").is_dir():
                _copy(source / "usr-changes", target / "usr-changes")
            shutil.copyfile(target / "root/var/lib/local-cloud/packages.tsv", target / "packages.tsv")
        else:
            shutil.copyfile(image_packages(parent_image_id, self.base), target / "packages.tsv")

    def run(self, machine: Machine, script: str, env: dict[str, str], working_directory: str = "/",
            timeout: float = 3600, name: str = "command") -> Outcome:
        """Runs the script by bash in the sandbox, as root, ending it after timeout seconds."""
        self._describe(machine)
        # where the SSM agent keeps a command's script
        script_path = (f"/var/lib/amazon/ssm/{self.instance_id}/document/orchestration/{name}"
                       "/awsrunShellScript/0.awsrunShellScript/_script.sh")
        (self.root / script_path[1:]).parent.mkdir(parents=True, exist_ok=True)
        (self.root / script_path[1:]).write_text(script + "\n")
        execution = Execution(subprocess.Popen(
            self._argv(working_directory or "/", script_path), env=env, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True))
        with _running_lock:
            _running.setdefault(self.instance_id, set()).add(execution)
        try:
            return execution.wait(timeout)
        finally:
            with _running_lock:
                _running[self.instance_id].discard(execution)
                if not _running[self.instance_id]:
                    del _running[self.instance_id]

    def _describe(self, machine: Machine) -> None:
        """What the sandbox's tools read: the instance (instance.json), the advisories, their Python."""
        local = self.root / ".local-cloud"
        (local / "instance.json").write_text(json.dumps({
            "instance-id": machine.instance_id, "metadata": machine.metadata(), "faults": sorted(machine.faults),
            "endpoint": self.endpoint or gateway_endpoint(), "aws": str(Path(sys.prefix) / "bin" / "aws")}))
        extra = os.environ.get("KILN_LOCAL_ADVISORIES", "").strip()
        (local / "advisories.tsv").write_text((SANDBOX / "advisories.tsv").read_text()
                                              + (Path(extra).read_text() if extra else ""))
        # the venv's interpreter by a path without "..": only the venv is bound into the sandbox
        executable, python = os.path.normpath(os.path.abspath(sys.executable)), local / "python"
        if not python.is_symlink() or os.readlink(python) != executable:
            python.unlink(missing_ok=True)
            python.symlink_to(executable)

    def _argv(self, working_directory: str, script_path: str) -> list[str]:
        binds = [str(SANDBOX), "/.local-cloud/sandbox"]
        for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
            binds += [prefix, prefix]
        user = [] if os.geteuid() == 0 else ["--map-root-user"]
        return [shutil.which("unshare") or "unshare", *user, "--mount", "--pid", "--fork", "--kill-child=SIGKILL",
                "/bin/bash", str(SANDBOX / "launch.sh"), str(self.root), working_directory, script_path, *binds]


def copy_image_disk(source_id: str, copy_id: str, base: Path | None = None) -> None:
    """Gives a copy of an image (CopyImage) its source's disk: instances launched from either boot the same."""
    images = (base or instances_dir()) / "images"
    if (images / source_id).is_dir() and not (images / copy_id).exists():
        _copy(images / source_id, images / copy_id)


def _copy(source: Path, target: Path) -> None:
    """Copies a directory's contents as they are (owners, modes, links, and the overlay's whiteouts,
    which are devices) into target, made if need be."""
    target.mkdir(parents=True, exist_ok=True)
    copied = subprocess.run(["cp", "-a", "--", f"{source}/.", str(target)], capture_output=True, text=True)
    if copied.returncode != 0:
        raise OSError(f"cp -a {source} {target}: {copied.stderr.strip()}")


def _boot(units: Path) -> None:
    """A machine starting: its enabled units are active, the others not."""
    for unit in units.iterdir() if units.is_dir() else ():
        enabled = "enabled" in unit.read_text().split()
        unit.write_text("enabled active\n" if enabled else "disabled inactive\n")


def gateway_endpoint() -> str:
    from localstack import config

    return f"http://127.0.0.1:{config.GATEWAY_LISTEN[0].port}"


# --- the instance's credentials -----------------------------------------------------------------


def instance_role_arn(instance) -> str | None:
    """The role of the instance's instance profile: in LocalStack's IAM store, or moto's."""
    from localstack.services.iam.models import iam_stores

    association = instance.ec2_backend.iam_instance_profile_associations.get(instance.id)
    profile = association.iam_instance_profile if association else None
    reference = instance.iam_instance_profile if isinstance(instance.iam_instance_profile, dict) else {}
    arn, name = getattr(profile, "arn", None) or reference.get("Arn"), getattr(profile, "name", None) or reference.get("Name")
    if not (arn or name):
        return None
    store = iam_stores[instance.owner_id]["us-east-1"]  # instance profiles are global
    for entity in store.INSTANCE_PROFILES.values():
        found = entity.instance_profile
        if (found["Arn"] == arn) if arn else (found["InstanceProfileName"] == name):
            role = store.ROLES.get(entity.role_name) if entity.role_name else None
            return role.role["Arn"] if role else next((r["Arn"] for r in found.get("Roles") or []), None)
    roles = getattr(profile, "roles", None)
    return roles[0].arn if roles else None


def assume_instance_role(role_arn: str, instance_id: str, region: str) -> dict:
    from localstack.aws.connect import connect_to

    return connect_to(region_name=region).sts.assume_role(RoleArn=role_arn, RoleSessionName=instance_id)["Credentials"]


def instance_credentials(instance, role_of=instance_role_arn, assume=assume_instance_role) -> dict | None:
    """The credentials the instance's software calls AWS with (its profile's role), or None."""
    role_arn = role_of(instance)
    return assume(role_arn, instance.id, region_of(instance)) if role_arn else None


def region_of(instance) -> str:
    """The instance's region: its EC2 backend's (moto's Instance.region_name is us-east-1 for an instance a group
    launched, whose RunInstances names no region)."""
    return instance.ec2_backend.region_name


def script_env(region: str, credentials: dict | None) -> dict[str, str]:
    """A command's environment: root's, with the instance's region and credentials."""
    env = {"PATH": PATH, "HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash",
           "LANG": "C.UTF-8", "AWS_DEFAULT_REGION": region}
    if credentials:
        env.update(AWS_ACCESS_KEY_ID=credentials["AccessKeyId"], AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
                   AWS_SESSION_TOKEN=credentials["SessionToken"])
    return env


# --- the hook -----------------------------------------------------------------------------------


def enabled() -> bool:
    mode = os.environ.get("KILN_LOCAL_INSTANCES", "sandbox").strip().lower()
    if mode not in ("sandbox", "off"):
        raise ValueError(f"KILN_LOCAL_INSTANCES must be sandbox or off, not {mode!r}")
    return mode == "sandbox"


@hooks.on_infra_start()
def run_instances_in_sandboxes():
    if not enabled():
        return
    from moto.ec2.models.amis import AmiBackend
    from moto.ec2.models.instances import Instance

    base = instances_dir()
    for stale in list(base.glob("i-*")) + [base / "images"]:
        shutil.rmtree(stale, ignore_errors=True)
    create_image, stop, terminate = AmiBackend.create_image, Instance.stop, Instance.terminate

    def create_image_with_disk(self, instance_id, *args, **kwargs):
        image = create_image(self, instance_id, *args, **kwargs)
        try:
            Sandbox(instance_id).save_image(image.id, self.get_instance(instance_id).image_id)
        except Exception:
            LOG.exception("kiln: the disk of %s was not kept for %s", instance_id, image.id)
        return image

    def stop_ending_commands(self, *args, **kwargs):
        end_commands(self.id, "stopped")
        return stop(self, *args, **kwargs)

    def terminate_deleting_sandbox(self, *args, **kwargs):
        end_commands(self.id, "terminated")
        shutil.rmtree(Sandbox(self.id).dir, ignore_errors=True)
        return terminate(self, *args, **kwargs)

    AmiBackend.create_image = create_image_with_disk
    Instance.stop = stop_ending_commands
    Instance.terminate = terminate_deleting_sandbox
    LOG.info("kiln: EC2 instances are sandboxes in %s; images keep their disks", base)
