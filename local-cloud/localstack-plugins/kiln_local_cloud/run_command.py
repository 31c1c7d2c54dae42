"""Run Command for the local cloud: the SSM agent comes online on instances, and commands really run.

On AWS an instance's SSM agent registers shortly after launch when its instance profile's role lets
it; DescribeInstanceInformation then lists the instance (PingStatus Online while it runs). SendCommand
to an instance that is not online fails with InvalidInstanceId. An AWS-RunShellScript command runs
its "commands" lines as one script on each instance, as root, in workingDirectory (default /), for at
most executionTimeout seconds (default 3600, up to 172800). Its invocation goes Pending ->
InProgress -> Success (exit code 0) or Failed (any other; StatusDetails "Failed"), or TimedOut
(StatusDetails "ExecutionTimedOut") when the agent kills it at the timeout. ResponseCode is -1 until
it ends, then the exit code; a script the agent stops early ends with 137 (Failed when the instance
shuts down). GetCommandInvocation gives the first 24,000 characters of stdout and 8,000 of stderr;
with OutputS3BucketName the agent uploads both whole, as the instance's role, to
<OutputS3KeyPrefix>/<command-id>/<instance-id>/awsrunShellScript/0.awsrunShellScript/stdout (and
/stderr, when there is any).

LocalStack (moto) answers SendCommand with Success at once and runs nothing, and has no
DescribeInstanceInformation. This hook:
- adds DescribeInstanceInformation (Filters and InstanceInformationFilterList; MaxResults, NextToken):
  an instance is listed once it has an instance profile with a role, is running (stopped:
  ConnectionLost; terminated: gone), has no agent-offline fault (instances.py) and
  KILN_LOCAL_SSM_AGENT_DELAY seconds (default 2, divided by the clock's speed, clock.py) have passed
  since its launch;
- makes SendCommand refuse an instance that is not online (InvalidInstanceId) and run an
  AWS-RunShellScript command, in the background, in the sandbox (instances.py) of each instance asked
  for (or each online one among its Targets), with the command-fails fault failing it at once
  and the command-hangs fault running it until its execution timeout.
  GetCommandInvocation and ListCommands report the real status, and their InvalidCommandId and
  InvocationDoesNotExist errors come as JSON (moto's are XML, which SSM's clients cannot read).
  Other documents keep moto's answer and run nothing. The execution timeout is not scaled by the
  clock's speed: a script's work takes real time.
"""

import datetime
import json
import logging
import os
import threading

from localstack.runtime import hooks

from kiln_local_cloud import clock
from kiln_local_cloud.instances import (Machine, Outcome, Sandbox, faults, instance_credentials,
                                        instance_role_arn, instance_tags, script_env)

LOG = logging.getLogger(__name__)

RUN_SHELL_SCRIPT = "AWS-RunShellScript"
PLUGIN = "aws:runShellScript"
AGENT_VERSION = "3.3.1142.0"
STDOUT_LIMIT, STDERR_LIMIT = 24_000, 8_000
MAX_EXECUTION_TIMEOUT = 172_800
STOPPED_EARLY = 137  # the agent's exit code for a script it killed
COMMAND_FAILS = "local cloud: fault command-fails: every command on this instance fails (tag local-cloud:fault)\n"
# what runs in place of every command on an instance with the command-hangs fault: nothing, until its timeout
COMMAND_HANGS = ("echo 'local cloud: fault command-hangs: every command on this instance runs until its timeout"
                 " (tag local-cloud:fault)' >&2\nwhile :; do sleep 60; done")
TERMINAL = {"Success", "Failed", "TimedOut"}


def _error(code: str, message: str):
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --- the agent ----------------------------------------------------------------------------------


def agent_delay() -> float:
    """How long after launch an instance's agent comes online, in real seconds."""
    value = os.environ.get("KILN_LOCAL_SSM_AGENT_DELAY", "2").strip() or "2"
    try:
        return clock.real_seconds(max(float(value), 0.0))
    except ValueError:
        raise ValueError(f"KILN_LOCAL_SSM_AGENT_DELAY must be a number of seconds, not {value!r}") from None


def ping_status(instance, now: datetime.datetime, delay: float, role_of=instance_role_arn) -> str | None:
    """The instance's agent's PingStatus, or None while it is not registered (or never will be)."""
    if instance.state in ("terminated", "shutting-down") or "agent-offline" in faults(instance_tags(instance)):
        return None
    launched = instance.launch_time.replace(tzinfo=datetime.timezone.utc)
    if (now - launched).total_seconds() < delay or role_of(instance) is None:
        return None
    return "Online" if instance.state == "running" else "ConnectionLost"


def instance_information(instance, status: str, now: datetime.datetime) -> dict:
    machine = Machine.of(instance)
    return {"InstanceId": instance.id, "PingStatus": status, "LastPingDateTime": now.timestamp(),
            "AgentVersion": AGENT_VERSION, "IsLatestVersion": True, "PlatformType": "Linux",
            "PlatformName": "Amazon Linux", "PlatformVersion": "2023", "ResourceType": "EC2Instance",
            "IPAddress": machine.private_ip, "ComputerName": machine.hostname, "SourceId": instance.id,
            "SourceType": "AWS::EC2::Instance"}


FILTER_FIELDS = {"InstanceIds": "InstanceId", "PingStatus": "PingStatus", "PlatformTypes": "PlatformType",
                 "PlatformType": "PlatformType", "ResourceType": "ResourceType", "AgentVersion": "AgentVersion"}


def _matches(information: dict, tags: dict, key: str, values: list[str]) -> bool:
    if key.startswith("tag:"):
        return tags.get(key[4:]) in values
    if key == "tag-key":
        return any(value in tags for value in values)
    return information[FILTER_FIELDS[key]] in values


def describe(instances, filters: list[dict], now: datetime.datetime, delay: float, role_of=instance_role_arn) -> list[dict]:
    """DescribeInstanceInformation's list: the managed instances that match every filter (Key, Values)."""
    for key in (f.get("Key") or "" for f in filters):
        if key not in FILTER_FIELDS and key != "tag-key" and not key.startswith("tag:"):
            raise _error("InvalidFilterKey", f"The filter key {key} is not valid.")
    listed = []
    for instance in instances:
        status = ping_status(instance, now, delay, role_of)
        if status is None:
            continue
        information, tags = instance_information(instance, status, now), instance_tags(instance)
        if all(_matches(information, tags, f.get("Key", ""), f.get("Values") or []) for f in filters):
            listed.append(information)
    return listed


def describe_instance_information(self):
    """SimpleSystemManagerResponse.describe_instance_information"""
    from moto.core.utils import utcnow
    from moto.ec2.models import ec2_backends

    filters = list(self._get_param("Filters") or [])
    filters += [{"Key": f.get("key"), "Values": f.get("valueSet")} for f in self._get_param("InstanceInformationFilterList") or []]
    ec2 = ec2_backends[self.current_account][self.region]
    listed = describe(ec2.all_instances(), filters, utcnow().replace(tzinfo=datetime.timezone.utc), agent_delay())
    size, token = int(self._get_param("MaxResults") or 10), self._get_param("NextToken") or "0"
    if not 5 <= size <= 50:
        raise _error("ValidationException", f"1 validation error detected: Value '{size}' at 'maxResults' failed to "
                                            "satisfy constraint: Member must have value between 5 and 50")
    if not token.isdigit():
        raise _error("InvalidNextToken", "The specified token isn't valid.")
    start = int(token)
    response = {"InstanceInformationList": listed[start:start + size]}
    if start + size < len(listed):
        response["NextToken"] = str(start + size)
    return json.dumps(response)


# --- commands -----------------------------------------------------------------------------------


def shell_script(parameters) -> tuple[str, float, str]:
    """AWS-RunShellScript's parameters: (script, execution timeout in seconds, working directory)."""
    if not isinstance(parameters, dict) or set(parameters) - {"commands", "executionTimeout", "workingDirectory"}:
        raise _error("InvalidParameters", "AWS-RunShellScript takes the parameters commands, executionTimeout and workingDirectory.")
    commands = parameters.get("commands")
    if not commands or not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        raise _error("InvalidParameters", "Parameter commands of AWS-RunShellScript is required: a list of command lines.")
    timeout = (parameters.get("executionTimeout") or ["3600"])[0]
    if not str(timeout).isdigit() or not 1 <= int(timeout) <= MAX_EXECUTION_TIMEOUT:
        raise _error("InvalidParameters", f"executionTimeout must be a number of seconds from 1 to {MAX_EXECUTION_TIMEOUT}.")
    working_directory = (parameters.get("workingDirectory") or [""])[0] or "/"
    return "\n".join(commands), float(timeout), working_directory


def new_invocation(command, instance_id: str) -> dict:
    """What GetCommandInvocation answers for the instance while the command is Pending."""
    return {"CommandId": command.command_id, "InstanceId": instance_id, "Comment": command.comment,
            "DocumentName": command.document_name, "DocumentVersion": "", "PluginName": PLUGIN, "ResponseCode": -1,
            "ExecutionStartDateTime": "", "ExecutionElapsedTime": "", "ExecutionEndDateTime": "",
            "Status": "Pending", "StatusDetails": "Pending", "StandardOutputContent": "", "StandardOutputUrl": "",
            "StandardErrorContent": "", "StandardErrorUrl": "",
            "CloudWatchOutputConfig": {"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": False}}


def output_keys(prefix: str, command_id: str, instance_id: str) -> tuple[str, str]:
    folder = "/".join(p for p in (prefix.strip("/"), command_id, instance_id, "awsrunShellScript/0.awsrunShellScript") if p)
    return f"{folder}/stdout", f"{folder}/stderr"


def upload_to_s3(bucket: str, key: str, body: str, credentials: dict | None, region: str) -> None:
    from localstack.aws.connect import connect_to

    keys = {} if not credentials else {"aws_access_key_id": credentials["AccessKeyId"],
                                       "aws_secret_access_key": credentials["SecretAccessKey"],
                                       "aws_session_token": credentials["SessionToken"]}
    connect_to(region_name=region, **keys).s3.put_object(Bucket=bucket, Key=key, Body=body.encode())


def _status(outcome) -> tuple[str, str, int]:
    if outcome.ended == "timed out":
        return "TimedOut", "ExecutionTimedOut", STOPPED_EARLY
    if outcome.ended != "exited":  # the instance stopped or was terminated
        return "Failed", "Failed", STOPPED_EARLY
    return ("Success", "Success", 0) if outcome.exit_code == 0 else ("Failed", "Failed", outcome.exit_code)


def run(invocation: dict, sandbox: Sandbox, machine: Machine, image_id: str, shell: tuple[str, float, str],
        credentials, output: tuple[str, str] | None, upload=upload_to_s3, changed=lambda: None) -> None:
    """Runs one instance's invocation to its end, keeping `invocation` what GetCommandInvocation answers."""
    started = _now()
    invocation.update(Status="InProgress", StatusDetails="InProgress", ExecutionStartDateTime=_iso(started))
    changed()
    keys = None
    try:
        keys = credentials()
        if "command-fails" in machine.faults:
            outcome = Outcome(1, "", COMMAND_FAILS, "exited")
        else:
            script, timeout, working_directory = shell
            if "command-hangs" in machine.faults:
                script = COMMAND_HANGS
            outcome = sandbox.create(image_id).run(machine, script, script_env(machine.region, keys),
                                                   working_directory, timeout, invocation["CommandId"])
    except Exception as error:
        LOG.exception("kiln: command %s did not run on %s", invocation["CommandId"], machine.instance_id)
        outcome = Outcome(1, "", f"local cloud: the command could not run: {error}\n", "exited")
    ended = _now()
    status, details, code = _status(outcome)
    urls = {}
    if output:
        bucket, prefix = output
        for key, text, field in zip(output_keys(prefix, invocation["CommandId"], machine.instance_id),
                                    (outcome.stdout, outcome.stderr), ("StandardOutputUrl", "StandardErrorUrl")):
            urls[field] = f"https://s3.{machine.region}.amazonaws.com/{bucket}/{key}"
            try:
                if text or field == "StandardOutputUrl":
                    upload(bucket, key, text, keys, machine.region)
            except Exception as error:
                LOG.warning("kiln: the output of command %s on %s was not uploaded to s3://%s/%s: %s",
                            invocation["CommandId"], machine.instance_id, bucket, key, error)
    invocation.update(ResponseCode=code, Status=status, StatusDetails=details, ExecutionEndDateTime=_iso(ended),
                      ExecutionElapsedTime=f"PT{(ended - started).total_seconds():.3f}S",
                      StandardOutputContent=outcome.stdout[:STDOUT_LIMIT],
                      StandardErrorContent=outcome.stderr[:STDERR_LIMIT], **urls)
    changed()


def aggregate(command) -> None:
    """The command's status, as ListCommands reports it, from its invocations'."""
    statuses = [invocation["Status"] for invocation in command.invocations]
    command.completed_count = sum(s in TERMINAL for s in statuses)
    command.error_count = sum(s in ("Failed", "TimedOut") for s in statuses)
    if command.completed_count < len(statuses):
        status = "Pending" if all(s == "Pending" for s in statuses) else "InProgress"
    elif all(s == "Success" for s in statuses):
        status = "Success"
    else:
        status = "Failed" if "Failed" in statuses else "TimedOut"
    command.status, command.status_details = status, "ExecutionTimedOut" if status == "TimedOut" else status


# --- the hook -----------------------------------------------------------------------------------


def _json_errors(method):
    """moto answers InvalidCommandId and InvocationDoesNotExist in XML, which SSM's clients cannot read."""
    from moto.core.exceptions import JsonRESTError, RESTError

    def answering_in_json(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RESTError as error:
            if isinstance(error, JsonRESTError):
                raise
            raise _error(error.error_type, error.message) from None

    return answering_in_json



@hooks.on_infra_start()
def run_commands_in_instance_sandboxes():
    from kiln_local_cloud.instances import enabled

    if not enabled():
        return
    from moto.core.utils import utcnow
    from moto.ec2.exceptions import InvalidInstanceIdError
    from moto.ec2.models import ec2_backends
    from moto.ssm.models import SimpleSystemManagerBackend
    from moto.ssm.responses import SimpleSystemManagerResponse

    send_command = SimpleSystemManagerBackend.send_command

    def send_command_to_sandboxes(self, **request):
        ec2 = ec2_backends[self.account_id][self.region_name]
        now, delay = utcnow().replace(tzinfo=datetime.timezone.utc), agent_delay()

        def online(instance_id):
            try:
                return ping_status(ec2.get_instance(instance_id), now, delay) == "Online"
            except InvalidInstanceIdError:
                return False

        # before moto's Command adds every instance to the list (it takes all when there are no targets)
        requested = list(dict.fromkeys(request.get("instance_ids") or []))
        offline = [i for i in requested if not online(i)]
        if offline:
            raise _error("InvalidInstanceId", f"Instances [[{', '.join(offline)}]] not in a valid state for account {self.account_id}")
        shell = shell_script(request.get("parameters")) if request.get("document_name") == RUN_SHELL_SCRIPT else None
        command = send_command(self, **request)
        if shell is None:
            return command
        # the instances asked for, or the online ones among the targets
        command.instance_ids = [i for i in requested or (command.instance_ids if request.get("targets") else []) if online(i)]
        command.target_count = len(command.instance_ids)
        command.invocations = [new_invocation(command, instance_id) for instance_id in command.instance_ids]
        aggregate(command)
        bucket = request.get("output_s3_bucket_name")
        output = (bucket, request.get("output_s3_key_prefix") or "") if bucket else None
        lock = threading.Lock()

        def changed():
            with lock:
                aggregate(command)

        for invocation in command.invocations:
            instance = ec2.get_instance(invocation["InstanceId"])
            threading.Thread(
                target=run, name=f"kiln-run-command-{instance.id}", daemon=True,
                args=(invocation, Sandbox(instance.id), Machine.of(instance), instance.image_id, shell,
                      lambda instance=instance: instance_credentials(instance), output),
                kwargs={"changed": changed}).start()
        return command

    SimpleSystemManagerBackend.send_command = send_command_to_sandboxes
    SimpleSystemManagerBackend.get_command_invocation = _json_errors(SimpleSystemManagerBackend.get_command_invocation)
    SimpleSystemManagerBackend.list_commands = _json_errors(SimpleSystemManagerBackend.list_commands)
    SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
    LOG.info("kiln: SSM's agent comes online on instances and Run Command runs scripts in their sandboxes")
