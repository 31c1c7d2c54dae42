"""The polling loops bake and lifecycle share: ask until done, wait for Systems Manager, run a command.

Every loop is bounded by count, not by time: it asks at most <polls>.checks times, <polls>.seconds apart
(<polls> is a path into the plan, e.g. $.plan.polls.ssm), counting in $.count.n; a failed ask is a missed
one, counted, not retried. Each function returns its states, in the order they run, for the machine's
states to take in (states.update(...)).

A lifecycle hook times out unless told the instance is still being worked on: with `heartbeat`, a loop
also sends the hook a heartbeat after every heartbeat.every seconds of waiting.
"""
from dataclasses import dataclass

from asl import SSM_MISSED, SSM_RETRY, catch_to, choice, missed, pass_state, sdk, states_format, task, wait

COMMAND_NOT_YET_KNOWN = ["Ssm.InvocationDoesNotExistException", "SSM.InvocationDoesNotExistException"]


@dataclass(frozen=True)
class Heartbeat:
    action: dict  # RecordLifecycleActionHeartbeat's parameters: the hook, its token and the instance
    every: str  # path to the seconds of waiting between two heartbeats


def poll_until(prefix, *, ask, done, missed_errors, polls, timed_out, on_failure, heartbeat=None):
    """<prefix>Check asks (`ask`: task() fields) until one of the `done` choices holds; after <polls>.checks asks,
    <prefix>TimedOut puts `timed_out` (Error, Cause...) at $.error and goes to on_failure, as a failed ask does."""
    check, limit = f"{prefix}Check", _limit(polls, f"{prefix}TimedOut")
    return {
        f"{prefix}Start": _start(heartbeat, next=check),
        check: task(**ask, catch=[missed(missed_errors, f"{prefix}Missed"), catch_to(on_failure)], next=f"{prefix}Ready"),
        f"{prefix}Ready": choice(choices=done + [limit], default=f"{prefix}Wait"),
        f"{prefix}Missed": choice(choices=[limit], default=f"{prefix}Wait"),
        f"{prefix}Wait": wait(seconds_path=f"{polls}.seconds", next=f"{prefix}Count"),
        **_count(prefix, polls, heartbeat, next=check),
        f"{prefix}TimedOut": pass_state(parameters=timed_out, result_path="$.error", next=on_failure),
    }


def until_online(prefix, *, instance_id, next, timed_out, on_failure, heartbeat=None):
    """Waits (at most $.plan.polls.ssm) until the instance at path instance_id is Online in Systems Manager."""
    return poll_until(
        prefix,
        ask=dict(resource=sdk("ssm", "describeInstanceInformation"),
                 parameters={"Filters": [{"Key": "InstanceIds", "Values.$": f"States.Array({instance_id})"}]},
                 result_selector={"instances.$": "$.InstanceInformationList"}, result_path="$.ssm"),
        done=[{"And": [{"Variable": "$.ssm.instances[0].PingStatus", "IsPresent": True},
                       {"Variable": "$.ssm.instances[0].PingStatus", "StringEquals": "Online"}], "Next": next}],
        missed_errors=SSM_MISSED, polls="$.plan.polls.ssm", timed_out=timed_out, on_failure=on_failure, heartbeat=heartbeat)


def run_command(prefix, *, key, label, instance_id, command_comment, polls, next, on_failure, heartbeat=None,
                cause_names_instance=False, error_names_step=False):
    """Run Command: sends the plan's command $.plan.commands.<key> (parameters, outputPrefix, failure) to the
    instance at path instance_id, its output to $.plan.logs, then asks until it ends; the invocation is kept at
    $.<key>. Success goes to `next`; a failed or timed-out command puts its failure at $.error and goes to
    on_failure, with `label` (what the command does) in the cause. cause_names_instance adds the instance to the
    cause; error_names_step adds "Step": <prefix>Check, which notify reports as the failed step."""
    check, counted, timed_out = f"{prefix}Check", f"{prefix}Running", f"{prefix}TimedOut"
    on_instance = " on {}" if cause_names_instance else ""
    instance = [instance_id] if cause_names_instance else []
    step = {"Step": check} if error_names_step else {}
    return {
        f"{prefix}Send": task(
            comment=f"Run Command: {label}",
            resource=sdk("ssm", "sendCommand"),
            parameters={"DocumentName": "AWS-RunShellScript",
                        "InstanceIds.$": f"States.Array({instance_id})",
                        "Parameters.$": f"$.plan.commands.{key}.parameters",
                        "OutputS3BucketName.$": "$.plan.logs.bucket",
                        "OutputS3KeyPrefix.$": f"$.plan.commands.{key}.outputPrefix",
                        "Comment.$": command_comment},
            result_selector={"commandId.$": "$.Command.CommandId"}, result_path=f"$.{key}",
            retry=[SSM_RETRY], catch=[catch_to(on_failure)], next=f"{prefix}Start"),
        f"{prefix}Start": _start(heartbeat, next=f"{prefix}Wait"),
        f"{prefix}Wait": wait(seconds_path=f"{polls}.seconds", next=check),
        check: task(
            resource=sdk("ssm", "getCommandInvocation"),
            parameters={"CommandId.$": f"$.{key}.commandId", "InstanceId.$": instance_id},
            result_selector={"commandId.$": "$.CommandId", "status.$": "$.Status", "responseCode.$": "$.ResponseCode",
                             "stdout.$": "$.StandardOutputContent", "stderr.$": "$.StandardErrorContent"},
            result_path=f"$.{key}",
            # right after sending, the invocation may not exist yet: a missed ask, like a throttled one
            catch=[missed(COMMAND_NOT_YET_KNOWN + SSM_MISSED, counted), catch_to(on_failure)],
            next=f"{prefix}Ready"),
        f"{prefix}Ready": choice(
            choices=[{"Variable": f"$.{key}.status", "StringEquals": "Success", "Next": next},
                     {"Or": [{"Variable": f"$.{key}.status", "StringEquals": status} for status in ("Pending", "InProgress", "Delayed")],
                      "Next": counted}],
            default=f"{prefix}Failed"),
        counted: choice(choices=[_limit(polls, timed_out)], default=f"{prefix}Count"),
        **_count(prefix, polls, heartbeat, next=f"{prefix}Wait"),
        f"{prefix}Failed": pass_state(
            parameters={"Error.$": f"$.plan.commands.{key}.failure", **step,
                        "Cause.$": states_format(f"{label} ended {{}} with exit code {{}}{on_instance} (full output: {{}}): {{}} {{}}",
                                                 f"$.{key}.status", f"$.{key}.responseCode", *instance, "$.plan.logs.uri",
                                                 f"$.{key}.stderr", f"$.{key}.stdout")},
            result_path="$.error", next=on_failure),
        timed_out: pass_state(
            parameters={"Error.$": f"$.plan.commands.{key}.failure", **step,
                        "Cause.$": states_format(f"{label} did not finish in time{on_instance} (command {{}}, full output: {{}})",
                                                 *instance, f"$.{key}.commandId", "$.plan.logs.uri")},
            result_path="$.error", next=on_failure),
    }


def _limit(polls, timed_out):
    return {"Variable": "$.count.n", "NumericGreaterThanEqualsPath": f"{polls}.checks", "Next": timed_out}


def _start(heartbeat, *, next):
    return pass_state(result={"n": 0} if heartbeat is None else {"n": 0, "beat": 0}, result_path="$.count", next=next)


def _count(prefix, polls, heartbeat, *, next):
    """<prefix>Count counts an ask; with a heartbeat, it also adds up the wait and beats when it is long enough
    (a failed heartbeat is tried again at the next ask)."""
    if heartbeat is None:
        return {f"{prefix}Count": pass_state(parameters={"n.$": "States.MathAdd($.count.n, 1)"}, result_path="$.count", next=next)}
    return {
        f"{prefix}Count": pass_state(
            parameters={"n.$": "States.MathAdd($.count.n, 1)", "beat.$": f"States.MathAdd($.count.beat, {polls}.seconds)"},
            result_path="$.count", next=f"{prefix}Beat"),
        f"{prefix}Beat": choice(
            choices=[{"Variable": "$.count.beat", "NumericGreaterThanEqualsPath": heartbeat.every, "Next": f"{prefix}Heartbeat"}],
            default=next),
        f"{prefix}Heartbeat": task(
            comment="Restarts the hook's timeout while the instance is worked on",
            resource=sdk("autoscaling", "recordLifecycleActionHeartbeat"), parameters=heartbeat.action, result_path=None,
            catch=[catch_to(next, result_path="$.heartbeatError")], next=f"{prefix}BeatReset"),
        f"{prefix}BeatReset": pass_state(parameters={"n.$": "$.count.n", "beat": 0}, result_path="$.count", next=next),
    }
