"""Following what the local cloud does: executions to their end, objects, instances, lifecycle states and the
team's mailbox, each bounded so that a step that never comes is said, not waited for forever."""

import json
import time

import botocore.exceptions

DEADLINE_SECONDS = 240


def lifecycle_state(autoscaling, instance: str) -> str:
    found = autoscaling.describe_auto_scaling_instances(InstanceIds=[instance])["AutoScalingInstances"]
    return found[0]["LifecycleState"] if found else "not in a group"


def execution_about(sfn, machine_arn: str, instance: str):
    """The execution of the machine whose input (a lifecycle event) is about the instance, if one started."""
    for e in sfn.list_executions(stateMachineArn=machine_arn, maxResults=100)["executions"]:
        if instance in sfn.describe_execution(executionArn=e["executionArn"])["input"]:
            return e["executionArn"]
    return None


def wait_until(what: str, probe, seconds: int = 60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(1)
    raise TimeoutError(f"no {what} after {seconds} s")


def follow(sfn, execution: str) -> dict:
    """Waits for a launch or drain execution; returns how it ended, its input, steps and CompleteLifecycleAction requests."""
    result = wait(sfn, execution)
    history = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    steps = [n for n in entered if n.endswith("Send") or n in ("Plan", "Duplicate", "Continue", "Abandon")]
    completions = [json.loads(e["taskScheduledEventDetails"]["parameters"]) for e in history
                   if e.get("taskScheduledEventDetails", {}).get("resource") == "completeLifecycleAction"]
    return {**result, "name": execution.split(":")[-1], "steps": steps, "completions": completions}


def wait_for_execution(sfn, machine_arn: str, name: str):
    arn = machine_arn.replace(":stateMachine:", ":execution:") + ":" + name
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            sfn.describe_execution(executionArn=arn)
            return arn
        except sfn.exceptions.ExecutionDoesNotExist:
            time.sleep(1)
    return None


def wait_for_object(s3, bucket: str, key: str):
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            return s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        except botocore.exceptions.ClientError:
            time.sleep(1)
    return None


def wait(sfn, execution: str, meanwhile=lambda: None) -> dict:
    """The execution once it ended (meanwhile is called before each look), or a timeout after DEADLINE_SECONDS."""
    deadline = time.time() + DEADLINE_SECONDS
    while time.time() < deadline:
        meanwhile()
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        time.sleep(1)
    return {"status": "STILL RUNNING", "error": "timeout", "cause": f"not done after {DEADLINE_SECONDS} s"}


def wait_for_child(sfn, bake_arn: str, image_id: str):
    deadline = time.time() + 60
    while time.time() < deadline:
        for e in sfn.list_executions(stateMachineArn=bake_arn, maxResults=100)["executions"]:
            if e["name"].startswith("web-") and e["name"].endswith(f"-on-{image_id}"):
                return e["executionArn"]
        time.sleep(1)
    return None


def wait_for_notification(sqs, queue_url: str, matches, seconds: int = 120):
    """The first notification in the team's mailbox that matches; the others it reads are dropped."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            envelope = json.loads(message["Body"])
            if matches(envelope):
                return envelope
    return None


def bake_instances(ec2, build_id: str, role: str) -> tuple[dict, dict]:
    """A bake's builder and the instance that ran its server tests, by the build's tags."""
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:kiln:build-id", "Values": [build_id]}])["Reservations"]
    by_name = {next(t["Value"] for t in i.get("Tags", []) if t["Key"] == "Name"): i
               for r in reservations for i in r["Instances"]}
    return by_name[f"kiln-builder-{role}"], by_name[f"kiln-tester-{role}"]


def live_builders(ec2, sha: str) -> list:
    reservations = ec2.describe_instances(Filters=[
        {"Name": "tag:kiln:commit", "Values": [sha]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
    return [i["InstanceId"] for r in reservations for i in r["Instances"]]


def instance_changes(autoscaling, group: str):
    """A call that prints each change of the group's instances' lifecycle states since the call before."""
    seen = {}

    def show():
        nonlocal seen
        instances = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]
        now = {i["InstanceId"]: i["LifecycleState"] for i in instances}
        for instance in sorted(set(seen) | set(now)):
            if seen.get(instance) != now.get(instance):
                print(f"     {time.strftime('%H:%M:%S')}  {instance}  {seen.get(instance, '(new)')} -> {now.get(instance, '(gone)')}")
        seen = now

    return show


def group_images(autoscaling, ec2, group: str) -> dict:
    """The images the group's instances run, by instance id."""
    ids = [i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]]
    reservations = ec2.describe_instances(InstanceIds=ids)["Reservations"] if ids else []
    return {i["InstanceId"]: i["ImageId"] for r in reservations for i in r["Instances"]}


def wait_for_patch(sfn, machine_arn: str, advisory: str):
    deadline = time.time() + 60
    while time.time() < deadline:
        for e in sfn.list_executions(stateMachineArn=machine_arn, maxResults=50)["executions"]:
            if advisory in sfn.describe_execution(executionArn=e["executionArn"])["input"]:
                return e["executionArn"]
        time.sleep(1)
    return None


def patch_plan(sfn, execution: str) -> dict:
    deadline = time.time() + 60
    while time.time() < deadline:
        for event in sfn.get_execution_history(executionArn=execution, maxResults=200)["events"]:
            exited = event.get("stateExitedEventDetails", {})
            if exited.get("name") == "Plan":
                return json.loads(exited["output"])["plan"]
        time.sleep(1)
    return {"summary": "no plan yet", "affected": [], "untouched": [], "bakes": []}


def child_sha(sfn, execution: str) -> str:
    return json.loads(sfn.describe_execution(executionArn=execution)["input"])["source"]["sha"]
