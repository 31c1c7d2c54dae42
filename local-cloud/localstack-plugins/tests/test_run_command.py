"""Run Command: when the SSM agent is online, and how an invocation runs and reports, as AWS documents it.

tests/smoke_run_command.py does the same against a running local cloud, by hand.
"""

import datetime
import tempfile
import threading
import time
import unittest
import uuid
from pathlib import Path
from types import SimpleNamespace

from moto.core.exceptions import JsonRESTError

from kiln_local_cloud import instances
from kiln_local_cloud.instances import Machine, Sandbox, end_commands
from kiln_local_cloud.run_command import (aggregate, describe, new_invocation, output_keys, ping_status, run,
                                          shell_script)

NOW = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
ROLE = "arn:aws:iam::000000000000:role/web"


def instance(instance_id="i-0123456789abcdef0", state="running", launched_seconds_ago=10.0, tags=None):
    return SimpleNamespace(
        id=instance_id, state=state, launch_time=(NOW - datetime.timedelta(seconds=launched_seconds_ago)).replace(tzinfo=None),
        ec2_backend=SimpleNamespace(tags={instance_id: tags or {}}, region_name="us-east-1"), image_id="ami-0base", instance_type="t3.micro",
        availability_zone="us-east-1a", private_ip="10.0.1.17")


def with_role(_):
    return ROLE


class AgentTest(unittest.TestCase):
    def test_the_agent_of_a_running_instance_with_a_role_comes_online_after_the_delay(self):
        self.assertIsNone(ping_status(instance(launched_seconds_ago=1), NOW, 2, with_role))
        self.assertEqual("Online", ping_status(instance(launched_seconds_ago=3), NOW, 2, with_role))

    def test_an_instance_without_an_instance_profile_never_comes_online(self):
        self.assertIsNone(ping_status(instance(), NOW, 2, lambda _: None))

    def test_the_agent_offline_fault_keeps_an_instance_from_ever_coming_online(self):
        offline = instance(tags={"local-cloud:fault": "health-fails, agent-offline"})

        self.assertIsNone(ping_status(offline, NOW, 2, with_role))

    def test_a_stopped_instance_has_lost_its_connection_and_a_terminated_one_is_gone(self):
        self.assertEqual("ConnectionLost", ping_status(instance(state="stopped"), NOW, 2, with_role))
        self.assertIsNone(ping_status(instance(state="terminated"), NOW, 2, with_role))

    def test_describe_instance_information_lists_managed_instances_as_aws_does(self):
        listed = describe([instance(), instance("i-0ffline", tags={"local-cloud:fault": "agent-offline"})],
                          [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0", "i-0ffline"]}], NOW, 2, with_role)

        self.assertEqual([{"InstanceId": "i-0123456789abcdef0", "PingStatus": "Online", "LastPingDateTime": NOW.timestamp(),
                           "AgentVersion": "3.3.1142.0", "IsLatestVersion": True, "PlatformType": "Linux",
                           "PlatformName": "Amazon Linux", "PlatformVersion": "2023", "ResourceType": "EC2Instance",
                           "IPAddress": "10.0.1.17", "ComputerName": "ip-10-0-1-17.ec2.internal",
                           "SourceId": "i-0123456789abcdef0", "SourceType": "AWS::EC2::Instance"}], listed)

    def test_describe_instance_information_filters_by_tag_and_refuses_an_unknown_key(self):
        instances = [instance("i-0web", tags={"role": "web"}), instance("i-0db", tags={"role": "db"})]

        listed = describe(instances, [{"Key": "tag:role", "Values": ["web"]}, {"Key": "PingStatus", "Values": ["Online"]}],
                          NOW, 2, with_role)

        self.assertEqual(["i-0web"], [i["InstanceId"] for i in listed])
        with self.assertRaises(JsonRESTError) as refused:
            describe(instances, [{"Key": "Colour", "Values": ["blue"]}], NOW, 2, with_role)
        self.assertEqual("InvalidFilterKey", refused.exception.error_type)


class ParametersTest(unittest.TestCase):
    def test_the_commands_are_one_script_run_in_the_root_directory_for_an_hour_by_default(self):
        self.assertEqual(("set -e\necho hi", 3600.0, "/"), shell_script({"commands": ["set -e", "echo hi"]}))
        self.assertEqual(("true", 5.0, "/opt"),
                         shell_script({"commands": ["true"], "executionTimeout": ["5"], "workingDirectory": ["/opt"]}))

    def test_parameters_that_are_not_the_documents_are_invalid(self):
        for parameters in (None, {}, {"commands": "echo"}, {"commands": ["true"], "executionTimeout": ["0"]},
                           {"commands": ["true"], "executionTimeout": ["172801"]}, {"commands": ["true"], "sudo": ["yes"]}):
            with self.subTest(parameters=parameters), self.assertRaises(JsonRESTError) as refused:
                shell_script(parameters)
            self.assertEqual("InvalidParameters", refused.exception.error_type)


class InvocationTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.machine = Machine("i-0123456789abcdef0", "ami-0base", "t3.micro", "us-east-1a", "10.0.1.17", "us-east-1")
        self.sandbox = Sandbox(self.machine.instance_id, Path(self.tmp.name), endpoint="http://127.0.0.1:9")
        self.command = SimpleNamespace(command_id=str(uuid.uuid4()), comment="kiln test", document_name="AWS-RunShellScript")
        self.uploads = {}

    def tearDown(self):
        self.tmp.cleanup()

    def invoke(self, script, timeout=60.0, machine=None, output=None, seen=None):
        invocation = new_invocation(self.command, self.machine.instance_id)
        run(invocation, self.sandbox, machine or self.machine, "ami-0base", (script, timeout, "/"), lambda: None, output,
            upload=lambda bucket, key, body, credentials, region: self.uploads.__setitem__(f"{bucket}/{key}", body),
            changed=lambda: seen.append((invocation["Status"], invocation["ResponseCode"])) if seen is not None else None)
        return invocation

    def test_an_invocation_is_pending_then_in_progress_then_succeeds_with_exit_code_0(self):
        seen = [(new_invocation(self.command, "i-0123456789abcdef0")["Status"], -1)]

        invocation = self.invoke("echo hi\necho warning >&2", seen=seen)

        self.assertEqual([("Pending", -1), ("InProgress", -1), ("Success", 0)], seen)
        self.assertEqual({"Status": "Success", "StatusDetails": "Success", "ResponseCode": 0, "PluginName": "aws:runShellScript",
                          "StandardOutputContent": "hi\n", "StandardErrorContent": "warning\n", "StandardOutputUrl": "",
                          "Comment": "kiln test", "DocumentName": "AWS-RunShellScript"},
                         {k: invocation[k] for k in ("Status", "StatusDetails", "ResponseCode", "PluginName", "StandardOutputContent",
                                                     "StandardErrorContent", "StandardOutputUrl", "Comment", "DocumentName")})
        self.assertRegex(invocation["ExecutionStartDateTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertRegex(invocation["ExecutionElapsedTime"], r"^PT\d+\.\d{3}S$")

    def test_an_invocation_whose_script_exits_non_zero_fails_with_that_exit_code(self):
        invocation = self.invoke("echo broken >&2\nexit 4")

        self.assertEqual(("Failed", "Failed", 4, "broken\n"), (invocation["Status"], invocation["StatusDetails"],
                                                            invocation["ResponseCode"], invocation["StandardErrorContent"]))

    def test_an_invocation_past_its_execution_timeout_is_killed_and_timed_out(self):
        started = time.monotonic()

        invocation = self.invoke("echo started\nsleep 60", timeout=1)

        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(("TimedOut", "ExecutionTimedOut", 137, "started\n"),
                         (invocation["Status"], invocation["StatusDetails"], invocation["ResponseCode"],
                          invocation["StandardOutputContent"]))

    def test_output_is_cut_in_the_invocation_but_whole_in_s3_where_ssm_puts_it(self):
        invocation = self.invoke("head -c 30000 /dev/zero | tr '\\0' o\nhead -c 9000 /dev/zero | tr '\\0' e >&2",
                                 output=("kiln-logs", "bake/b-1/provision"))

        folder = f"bake/b-1/provision/{self.command.command_id}/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript"
        self.assertEqual((24_000, 8_000), (len(invocation["StandardOutputContent"]), len(invocation["StandardErrorContent"])))
        self.assertEqual({f"kiln-logs/{folder}/stdout": "o" * 30_000, f"kiln-logs/{folder}/stderr": "e" * 9_000}, self.uploads)
        self.assertEqual(f"https://s3.us-east-1.amazonaws.com/kiln-logs/{folder}/stdout", invocation["StandardOutputUrl"])

    def test_an_empty_stderr_is_not_uploaded(self):
        self.invoke("echo hi", output=("kiln-logs", ""))

        self.assertEqual([f"kiln-logs/{self.command.command_id}/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout"],
                         list(self.uploads))

    def test_the_command_fails_fault_fails_every_command_without_running_it(self):
        faulty = Machine(**{**self.machine.__dict__, "faults": frozenset({"command-fails"})})

        invocation = self.invoke("touch /etc/ran", machine=faulty)

        self.assertEqual(("Failed", 1), (invocation["Status"], invocation["ResponseCode"]))
        self.assertIn("local cloud: fault command-fails", invocation["StandardErrorContent"])
        self.assertFalse((self.sandbox.root / "etc/ran").exists())

    def test_the_command_hangs_fault_runs_every_command_until_its_execution_timeout(self):
        faulty = Machine(**{**self.machine.__dict__, "faults": frozenset({"command-hangs"})})

        invocation = self.invoke("touch /etc/ran", timeout=1, machine=faulty)

        self.assertEqual(("TimedOut", "ExecutionTimedOut"), (invocation["Status"], invocation["StatusDetails"]))
        self.assertIn("local cloud: fault command-hangs", invocation["StandardErrorContent"])
        self.assertFalse((self.sandbox.root / "etc/ran").exists())

    def test_a_command_whose_instance_is_terminated_fails_and_its_processes_end(self):
        def terminate_once_running():
            # the sandbox may take a while to start on a busy machine: terminate once the command runs
            deadline = time.monotonic() + 30
            while not instances._running.get(self.machine.instance_id) and time.monotonic() < deadline:
                time.sleep(0.05)
            end_commands(self.machine.instance_id, "terminated")

        threading.Thread(target=terminate_once_running, daemon=True).start()
        invocation = self.invoke("sleep 60")

        self.assertEqual(("Failed", "Failed", 137), (invocation["Status"], invocation["StatusDetails"], invocation["ResponseCode"]))

    def test_output_keys_follow_the_prefix_without_doubling_slashes(self):
        self.assertEqual(("p/c/i/awsrunShellScript/0.awsrunShellScript/stdout", "p/c/i/awsrunShellScript/0.awsrunShellScript/stderr"),
                         output_keys("p/", "c", "i"))


class CommandStatusTest(unittest.TestCase):
    def status(self, *statuses):
        command = SimpleNamespace(invocations=[{"Status": s} for s in statuses])
        aggregate(command)
        return command.status, command.status_details, command.completed_count, command.error_count

    def test_a_commands_status_follows_its_invocations(self):
        self.assertEqual(("Pending", "Pending", 0, 0), self.status("Pending", "Pending"))
        self.assertEqual(("InProgress", "InProgress", 1, 0), self.status("Success", "InProgress"))
        self.assertEqual(("Success", "Success", 2, 0), self.status("Success", "Success"))
        self.assertEqual(("Failed", "Failed", 2, 2), self.status("Failed", "TimedOut"))
        self.assertEqual(("TimedOut", "ExecutionTimedOut", 2, 1), self.status("Success", "TimedOut"))


if __name__ == "__main__":
    unittest.main()
