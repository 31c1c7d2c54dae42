"""ansible-playbook in the instance sandbox: the plays of a playbook run on this instance (-c local).

Runs the modules Kiln's example roles use, with Ansible's meaning, against the sandbox's own fakes:
ansible.builtin.dnf/yum/package (state present/latest/absent), template (Jinja2, src relative to the
playbook), copy (content or src; mode), file (state directory/absent/touch), service/systemd (enabled,
state started/stopped/restarted), command/shell. Any other module fails the play with a clear error,
as an unknown module would: the local cloud never pretends a task ran.
"""

import os
import subprocess
import sys

import jinja2
import yaml

MODULES = {}


def module(*names):
    def register(fn):
        for name in names:
            MODULES[name] = MODULES[f"ansible.builtin.{name}"] = fn
        return fn
    return register


def run(*command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise TaskFailed(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


class TaskFailed(Exception):
    pass


def _mode(path, args):
    if "mode" in args:
        os.chmod(path, int(str(args["mode"]), 8))


@module("dnf", "yum", "package")
def packages(args, base, variables):
    names = args["name"] if isinstance(args["name"], list) else [args["name"]]
    state = args.get("state", "present")
    if state in ("present", "installed", "latest"):
        run("dnf", "install", "-y", *names)
    elif state in ("absent", "removed"):
        run("dnf", "remove", "-y", *names)
    else:
        raise TaskFailed(f"state {state} is not supported")


@module("template")
def template(args, base, variables):
    source = os.path.join(base, args["src"])
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(source)), undefined=jinja2.StrictUndefined)
    text = environment.get_template(os.path.basename(source)).render(**variables)
    _write(args["dest"], text, args)


@module("copy")
def copy(args, base, variables):
    if "content" in args:
        text = str(args["content"])
    else:
        with open(os.path.join(base, args["src"])) as source:
            text = source.read()
    _write(args["dest"], text, args)


def _write(dest, text, args):
    os.makedirs(os.path.dirname(dest) or "/", exist_ok=True)
    with open(dest, "w") as out:
        out.write(text)
    _mode(dest, args)


@module("file")
def file(args, base, variables):
    path, state = args.get("path") or args["dest"], args.get("state", "file")
    if state == "directory":
        os.makedirs(path, exist_ok=True)
    elif state == "absent":
        run("rm", "-rf", path)
    elif state == "touch":
        open(path, "a").close()
    _mode(path, args)


@module("service", "systemd", "systemd_service")
def service(args, base, variables):
    name = args["name"]
    if "enabled" in args:
        run("systemctl", "enable" if args["enabled"] else "disable", name)
    state = args.get("state")
    if state:
        verb = {"started": "start", "stopped": "stop", "restarted": "restart", "reloaded": "restart"}[state]
        run("systemctl", verb, name)


@module("command", "shell")
def command(args, base, variables):
    line = args if isinstance(args, str) else args.get("cmd") or args.get("_raw_params")
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=base)
    if done.returncode != 0:
        raise TaskFailed(f"{line!r} exited {done.returncode}: {done.stderr.strip()}")


def main(argv):
    playbooks = [arg for arg in argv if arg.endswith((".yml", ".yaml"))]
    if len(playbooks) != 1:
        sys.exit("usage: ansible-playbook -i localhost, -c local PLAYBOOK")
    playbook = playbooks[0]
    base = os.path.dirname(os.path.abspath(playbook))
    with open(playbook) as source:
        plays = yaml.safe_load(source) or []
    ran = 0
    for play in plays:
        print(f"\nPLAY [{play.get('name', play.get('hosts', ''))}] " + "*" * 40)
        variables = dict(play.get("vars") or {})
        for task in play.get("tasks") or []:
            name = task.get("name", "")
            found = [key for key in task if key in MODULES]
            if len(found) != 1:
                unknown = [key for key in task if key not in ("name", "become", "when", "changed_when", "register", "tags")]
                print(f"\nTASK [{name}]\nfatal: [localhost]: FAILED! => the local cloud does not run module {unknown}")
                return 2
            print(f"\nTASK [{name}] " + "*" * 40)
            try:
                MODULES[found[0]](task[found[0]], base, variables)
            except (TaskFailed, KeyError, OSError, jinja2.TemplateError) as error:
                print(f"fatal: [localhost]: FAILED! => {error}")
                return 2
            print("changed: [localhost]")
            ran += 1
    print("\nPLAY RECAP " + "*" * 40 + f"\nlocalhost : ok={ran} changed={ran} failed=0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
