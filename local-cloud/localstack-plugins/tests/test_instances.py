"""An instance's sandbox and the commands it has, checked by running scripts in real sandboxes."""

import os
import shutil
import tempfile
import threading
import time
import unittest
import uuid
from pathlib import Path
from types import SimpleNamespace

from kiln_local_cloud.instances import (Machine, Sandbox, copy_image_disk, end_commands, faults, instance_credentials, script_env)

MACHINE = Machine("i-0123456789abcdef0", "ami-0base", "t3.micro", "us-east-1a", "10.0.1.17", "us-east-1")
CREDENTIALS = {"AccessKeyId": "LSIAQAAAAAAEXAMPLEKEY", "SecretAccessKey": "secret", "SessionToken": "token"}


class SandboxTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.base = Path(self.tmp.name) / "instances"
        self.sandbox = Sandbox(MACHINE.instance_id, self.base, endpoint="http://127.0.0.1:9").create("ami-0base")

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, script, machine=MACHINE, credentials=None, timeout=30, sandbox=None, **env):
        return (sandbox or self.sandbox).run(machine, script, {**script_env(machine.region, credentials), **env},
                                             timeout=timeout)


class SandboxTest(SandboxTestCase):
    def test_a_script_runs_as_root_in_the_working_directory_and_its_writes_stay_in_its_sandbox(self):
        outside = Path(self.tmp.name) / "outside" / "file"
        outcome = self.sandbox.run(MACHINE, f"id -u\npwd\ntouch /etc/kiln\nmkdir -p {outside.parent}\necho x > {outside}\n"
                                            "mkdir -p /usr/share/kiln && echo usr is its own",
                                   script_env("us-east-1", None), working_directory="/tmp")

        self.assertEqual((0, "0\n/tmp\nusr is its own\n"), (outcome.exit_code, outcome.stdout), outcome.stderr)
        self.assertFalse(Path("/usr/share/kiln").exists())
        self.assertFalse(Path("/etc/kiln").exists())
        self.assertFalse(outside.exists())
        self.assertTrue((self.sandbox.root / "etc/kiln").exists())
        self.assertTrue((self.sandbox.root / str(outside)[1:]).exists())

    def test_a_script_sees_amazon_linux_and_its_own_processes_only(self):
        outcome = self.run_script(". /etc/os-release; echo $NAME $VERSION_ID\nls /proc | grep -c '^[0-9]'")

        self.assertEqual("Amazon Linux 2023\n", outcome.stdout.splitlines(keepends=True)[0])
        self.assertLessEqual(int(outcome.stdout.splitlines()[1]), 4)

    def test_the_example_roles_playbooks_provision_the_instance_and_pass_their_server_tests(self):
        roles = Path(__file__).resolve().parents[3] / "examples/fleet/roles"
        (self.sandbox.root / "opt/kiln/source").mkdir(parents=True)
        shutil.copytree(roles, self.sandbox.root / "opt/kiln/source/roles")
        outcome = self.run_script("set -e\ncd /opt/kiln/source\nfor role in base web; do\n"
                                  "  ansible-playbook -i localhost, -c local roles/$role/playbook.yml\n"
                                  "  bash roles/$role/tests/run.sh\ndone")

        self.assertEqual(0, outcome.exit_code, outcome.stdout + outcome.stderr)
        self.assertIn("TASK [nginx is installed]", outcome.stdout)
        self.assertEqual(2, outcome.stdout.count("\n0 failed\n"), outcome.stdout)

    def test_a_playbook_task_of_a_module_the_local_cloud_does_not_run_fails_the_play(self):
        (self.sandbox.root / "tmp/play.yml").write_text("- hosts: localhost\n  tasks:\n    - name: a user\n"
                                                        "      ansible.builtin.user:\n        name: app\n")
        outcome = self.run_script("ansible-playbook -i localhost, -c local /tmp/play.yml")

        self.assertEqual(2, outcome.exit_code)
        self.assertIn("the local cloud does not run module ['ansible.builtin.user']", outcome.stdout)

    def test_the_exit_code_and_both_outputs_are_the_scripts(self):
        outcome = self.run_script("echo out\necho err >&2\nexit 3")

        self.assertEqual((3, "out\n", "err\n", "exited"), (outcome.exit_code, outcome.stdout, outcome.stderr, outcome.ended))

    def test_a_command_past_its_timeout_ends_with_all_its_processes(self):
        marker = f"kiln-test-{uuid.uuid4().hex}"
        started = time.monotonic()
        outcome = self.run_script(f"(exec -a {marker} sleep 60) &\necho started\nsleep 60", timeout=1)

        self.assertEqual(("timed out", "started\n"), (outcome.ended, outcome.stdout))
        self.assertLess(time.monotonic() - started, 10)
        time.sleep(0.2)
        self.assertEqual([], _processes_named(marker))

    def test_stopping_or_terminating_an_instance_ends_its_running_commands(self):
        result = []
        thread = threading.Thread(target=lambda: result.append(self.run_script("echo started\nsleep 60")))
        thread.start()
        time.sleep(1)
        end_commands(MACHINE.instance_id, "terminated")
        thread.join(10)

        self.assertEqual("terminated", result[0].ended)

    def test_an_image_carries_its_instances_disk_forward_and_its_instances_boot_its_enabled_units(self):
        self.run_script("set -e\ndnf install -y nginx >/dev/null\nsystemctl enable nginx 2>/dev/null\n"
                        "mkdir -p /opt/kiln /usr/share/kiln\necho 1.0 > /opt/kiln/release\necho doc > /usr/share/kiln/doc\n"
                        "touch /tmp/scratch\nrm /etc/os-release")
        self.sandbox.save_image("ami-0baked", "ami-0base")
        launched = Sandbox("i-0launched", self.base, endpoint="http://127.0.0.1:9").create("ami-0baked")

        # (not `ls /tmp`: the local cloud's venv is bound at its own path, which may be under /tmp)
        outcome = self.run_script("rpm -q nginx\ncat /opt/kiln/release /usr/share/kiln/doc\n"
                                  "ls /tmp/scratch 2>/dev/null || echo no scratch\n"
                                  "ls /etc/os-release 2>/dev/null || echo no os-release\nsystemctl is-active nginx",
                                  sandbox=launched)

        self.assertEqual("nginx-1.24.0-1.amzn2023.0.4.x86_64\n1.0\ndoc\nno scratch\nno os-release\nactive\n", outcome.stdout,
                         outcome.stderr)

    def test_an_image_of_an_image_carries_the_disk_of_the_first(self):
        self.run_script("echo baked > /etc/kiln-baked")
        self.sandbox.save_image("ami-0baked", "ami-0base")
        Sandbox("i-0idle", self.base).save_image("ami-0copy", "ami-0baked")
        launched = Sandbox("i-0launched", self.base, endpoint="http://127.0.0.1:9").create("ami-0copy")

        self.assertEqual("baked\n", self.run_script("cat /etc/kiln-baked", sandbox=launched).stdout)

    def test_a_copy_of_an_image_carries_its_disk_and_a_copy_made_again_keeps_its_own(self):
        self.run_script("echo baked > /etc/kiln-baked")
        self.sandbox.save_image("ami-0baked", "ami-0base")

        copy_image_disk("ami-0baked", "ami-0copyeu", self.base)
        (self.base / "images/ami-0copyeu/root/etc/kiln-baked").write_text("copied\n")
        copy_image_disk("ami-0baked", "ami-0copyeu", self.base)
        copy_image_disk("ami-0nodisk", "ami-0copynodisk", self.base)
        launched = Sandbox("i-0launched", self.base, endpoint="http://127.0.0.1:9").create("ami-0copyeu")

        self.assertEqual("copied\n", self.run_script("cat /etc/kiln-baked", sandbox=launched).stdout)
        self.assertFalse((self.base / "images/ami-0copynodisk").exists())

    def test_an_image_of_a_base_images_instance_that_ran_no_command_has_the_base_images_packages(self):
        Sandbox("i-0idle", self.base).save_image("ami-0copy", "ami-0base")
        packages = (self.base / "images/ami-0copy/packages.tsv").read_text()

        self.assertIn("amazon-ssm-agent\t0:3.3.1142.0-1.amzn2023", packages)
        self.assertFalse((self.base / "images/ami-0copy/root").exists())


class FaultsTest(unittest.TestCase):
    def test_an_instance_has_its_tags_faults_and_those_of_the_rules_its_tags_match(self):
        with tempfile.NamedTemporaryFile("w", suffix=".tsv") as rules:
            rules.write("# tag\tfaults\nkiln:commit=abc\tagent-offline\nkiln:commit=def\tcommand-fails\n")
            rules.flush()
            os.environ["KILN_LOCAL_FAULTS"] = rules.name
            try:
                found = faults({"kiln:commit": "abc", "local-cloud:fault": "health-fails"})
            finally:
                del os.environ["KILN_LOCAL_FAULTS"]

        self.assertEqual(frozenset({"agent-offline", "health-fails"}), found)


class CredentialsTest(SandboxTestCase):
    def test_the_instance_calls_aws_with_a_session_of_its_profiles_role_named_after_it(self):
        instance = SimpleNamespace(id="i-0123456789abcdef0", ec2_backend=SimpleNamespace(region_name="eu-west-1"))
        calls = []

        credentials = instance_credentials(instance, role_of=lambda i: "arn:aws:iam::000000000000:role/web",
                                           assume=lambda *args: calls.append(args) or CREDENTIALS)
        env = script_env("eu-west-1", credentials)

        self.assertEqual([("arn:aws:iam::000000000000:role/web", "i-0123456789abcdef0", "eu-west-1")], calls)
        self.assertEqual({"AWS_ACCESS_KEY_ID": "LSIAQAAAAAAEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY": "secret",
                          "AWS_SESSION_TOKEN": "token", "AWS_DEFAULT_REGION": "eu-west-1"},
                         {k: v for k, v in env.items() if k.startswith("AWS_")})

    def test_an_instance_a_group_launched_in_another_region_than_us_east_1_is_in_its_own(self):
        from moto import mock_aws
        from moto.ec2.models import ec2_backends

        with mock_aws():
            backend = ec2_backends["111111111111"]["eu-west-1"]
            image = next(iter(backend.amis))
            # as moto's Auto Scaling launches a group's instances: RunInstances naming no region
            instance = backend.run_instances(image, 1, "", [], instance_type="t4g.small",
                                            is_instance_type_default=False).instances[0]

            self.assertEqual("eu-west-1", Machine.of(instance).region)

    def test_an_instance_without_a_profile_has_no_credentials(self):
        instance = SimpleNamespace(id="i-0123456789abcdef0", ec2_backend=SimpleNamespace(region_name="us-east-1"))

        self.assertIsNone(instance_credentials(instance, role_of=lambda i: None, assume=None))

    def test_the_aws_cli_calls_the_local_cloud_with_the_instances_credentials(self):
        outcome = self.run_script("aws configure list\naws sts get-caller-identity", credentials=CREDENTIALS,
                                  AWS_MAX_ATTEMPTS="1")

        self.assertRegex(outcome.stdout, r"access_key +\*+EKEY +env")
        self.assertIn('Could not connect to the endpoint URL: "http://127.0.0.1:9/"', outcome.stderr)

    def test_the_aws_cli_of_an_instance_without_credentials_cannot_locate_any(self):
        outcome = self.run_script("aws sts get-caller-identity")

        self.assertEqual(255, outcome.exit_code)
        self.assertIn("Unable to locate credentials", outcome.stderr)


class PackagesTest(SandboxTestCase):
    INVENTORY = "rpm -qa --queryformat '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n' | sort"

    def test_rpm_prints_the_inventory_in_the_queryformat_asked_for(self):
        outcome = self.run_script(self.INVENTORY + " | grep -E '^(kpartx|openssl-libs)\\s'\nrpm -qa 'ba*'")

        self.assertEqual("kpartx\t0:0.8.7-13.amzn2023.0.1\tx86_64\tdevice-mapper-multipath-0.8.7-13.amzn2023.0.1.src.rpm\n"
                         "openssl-libs\t1:3.0.8-1.amzn2023.0.18\tx86_64\topenssl-3.0.8-1.amzn2023.0.18.src.rpm\n"
                         "bash-5.2.15-1.amzn2023.0.2.x86_64\n", outcome.stdout)

    def test_rpm_q_says_which_packages_are_not_installed(self):
        outcome = self.run_script("rpm -q bash nginx")

        self.assertEqual((1, "bash-5.2.15-1.amzn2023.0.2.x86_64\npackage nginx is not installed\n"),
                         (outcome.exit_code, outcome.stdout))

    def test_dnf_installs_from_its_repository_and_refuses_what_it_does_not_have(self):
        outcome = self.run_script("dnf install -y nginx\nrpm -q nginx\ndnf install -y no-such-thing; echo $?")

        self.assertIn("Installed:\n  nginx-1:1.24.0-1.amzn2023.0.4.x86_64\n", outcome.stdout)
        self.assertIn("nginx-1.24.0-1.amzn2023.0.4.x86_64\nNo match for argument: no-such-thing\n1\n", outcome.stdout)
        self.assertIn("Error: Unable to find a match: no-such-thing", outcome.stderr)

    def test_dnf_check_update_exits_100_until_the_advisory_is_applied_then_0(self):
        advisory = "--advisory=ALAS2023-2023-126 --releasever=2023.0.20230308"
        outcome = self.run_script(f"dnf check-update -q {advisory}; echo $?\n"
                                  f"dnf upgrade -y {advisory} >/dev/null\n"
                                  f"dnf check-update -q {advisory}; echo $?\n"
                                  "rpm -q kpartx")

        lines = outcome.stdout.splitlines()
        self.assertRegex(lines[0], r"^device-mapper-multipath-libs\.x86_64 +0\.8\.7-16\.amzn2023\.0\.1 +amazonlinux$")
        self.assertRegex(lines[1], r"^kpartx\.x86_64 +0\.8\.7-16\.amzn2023\.0\.1 +amazonlinux$")
        self.assertEqual(["100", "0", "kpartx-0.8.7-16.amzn2023.0.1.x86_64"], lines[2:])
        inventory = self.run_script(self.INVENTORY + " | grep ^kpartx").stdout
        self.assertEqual("kpartx\t0:0.8.7-16.amzn2023.0.1\tx86_64\tdevice-mapper-multipath-0.8.7-16.amzn2023.0.1.src.rpm\n",
                         inventory)

    def test_an_advisory_the_instance_does_not_need_needs_no_packages_for_security(self):
        outcome = self.run_script("yum update -y --advisory=ALAS2-2018-939; echo $?\n"
                                  "yum check-update -q --advisory=ALAS2-2018-939; echo $?\nyum clean all")

        self.assertEqual("No packages needed for security; 0 packages available\nDependencies resolved.\nNothing to do.\n"
                         "Complete!\n0\n0\n0 files removed\n", outcome.stdout)

    def test_tests_can_add_advisories(self):
        extra = Path(self.tmp.name) / "advisories.tsv"
        extra.write_text("ALAS2023-2099-001\tbash\t0:5.2.37-1.amzn2023.0.1\n")
        os.environ["KILN_LOCAL_ADVISORIES"] = str(extra)
        try:
            outcome = self.run_script("dnf check-update -q --advisory=ALAS2023-2099-001; echo $?")
        finally:
            del os.environ["KILN_LOCAL_ADVISORIES"]

        self.assertRegex(outcome.stdout, r"^bash\.x86_64 +5\.2\.37-1\.amzn2023\.0\.1 +amazonlinux\n100\n$")

    def test_amazon_linux_extras_installs_a_topics_packages(self):
        outcome = self.run_script("amazon-linux-extras install -y ansible2 >/dev/null\nrpm -q ansible")

        self.assertEqual("ansible-2.9.23-1.amzn2.noarch\n", outcome.stdout)


class ServicesTest(SandboxTestCase):
    def test_only_an_installed_unit_starts_and_it_stays_as_systemctl_left_it(self):
        outcome = self.run_script(
            "systemctl start nginx; echo $?\n"
            "dnf install -y nginx >/dev/null\nsystemctl daemon-reload\nsystemctl restart nginx\n"
            "systemctl enable nginx 2>/dev/null\nsystemctl is-active nginx\nsystemctl is-enabled nginx\n"
            "systemctl stop nginx\nsystemctl is-active --quiet nginx; echo $?\nsystemctl status --no-pager nginx; echo $?")

        self.assertEqual("5\nactive\nenabled\n3\n", "".join(outcome.stdout.splitlines(keepends=True)[:4]))
        self.assertIn("Active: inactive (dead)\n3\n", outcome.stdout)
        self.assertIn("Failed to start nginx.service: Unit nginx.service not found.", outcome.stderr)
        self.assertEqual("enabled active\n", (self.sandbox.root / "var/lib/local-cloud/systemd/amazon-ssm-agent").read_text())

    def test_a_unit_file_in_etc_installs_a_unit(self):
        outcome = self.run_script("mkdir -p /etc/systemd/system\ntouch /etc/systemd/system/kiln-web.service\n"
                                  "systemctl restart kiln-web.service && systemctl is-active kiln-web")

        self.assertEqual("active\n", outcome.stdout)

    def test_the_instances_web_server_answers_ok_while_a_service_runs(self):
        outcome = self.run_script(
            "curl -fsS -o /dev/null --max-time 5 http://127.0.0.1/healthz; echo $?\n"
            "mkdir -p /etc/systemd/system && touch /etc/systemd/system/web.service\n"
            "systemctl start web\ncurl -fsS --max-time 5 http://127.0.0.1:8080/healthz; echo\n")

        self.assertEqual("7\nok\n", outcome.stdout)
        self.assertIn("curl: (7) Failed to connect to 127.0.0.1 port 80", outcome.stderr)

    def test_the_instances_web_server_serves_the_files_under_nginxs_root(self):
        outcome = self.run_script(
            "mkdir -p /etc/systemd/system /usr/share/nginx/html/docs && touch /etc/systemd/system/web.service\n"
            "echo '<h1>home</h1>' > /usr/share/nginx/html/index.html\necho 'guide' > /usr/share/nginx/html/docs/guide.txt\n"
            "systemctl start web\ncurl -fsS http://127.0.0.1/\ncurl -fsS http://localhost/docs/guide.txt\n"
            "curl -fsS http://127.0.0.1/healthz; echo\ncurl -fsS http://127.0.0.1/../../etc/hostname; echo\n")

        self.assertEqual("<h1>home</h1>\nguide\nok\nok\n", outcome.stdout)

    def test_the_health_fails_fault_refuses_the_web_server(self):
        faulty = Machine(**{**MACHINE.__dict__, "faults": frozenset({"health-fails"})})
        outcome = self.run_script("mkdir -p /etc/systemd/system && touch /etc/systemd/system/web.service\n"
                                  "systemctl start web\ncurl -s http://localhost/; echo $?", machine=faulty)

        self.assertEqual("7\n", outcome.stdout)

    def test_the_metadata_service_answers_with_a_token_only(self):
        outcome = self.run_script(
            "token=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\n"
            "for path in instance-id ami-id placement/availability-zone instance-type; do\n"
            "  curl -fsS -H \"X-aws-ec2-metadata-token: $token\" http://169.254.169.254/latest/meta-data/$path; echo\n"
            "done\ncurl -fsS http://169.254.169.254/latest/meta-data/instance-id; echo $?")

        self.assertEqual("i-0123456789abcdef0\nami-0base\nus-east-1a\nt3.micro\n22\n", outcome.stdout)
        self.assertIn("curl: (22) The requested URL returned error: 401", outcome.stderr)

    def test_timedatectl_and_nginx_answer_as_a_configured_server(self):
        outcome = self.run_script("timedatectl set-timezone UTC\ntimedatectl show -p Timezone --value\n"
                                  "nginx -t 2>/dev/null; echo $?\ndnf install -y nginx >/dev/null\nnginx -t; echo $?")

        self.assertEqual("UTC\n127\n0\n", outcome.stdout)
        self.assertIn("test is successful", outcome.stderr)


def _processes_named(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(entry.name)
        except OSError:
            continue
    return found


if __name__ == "__main__":
    unittest.main()
