"""Drives Kiln's main job on the local cloud and shows what happened (run by scripts/demo).

1. A commit of the example fleet repository (examples/fleet) is bundled and baked into the base
   role's image. The local cloud has no real instances, so the demo's Step Functions test case
   answers the two things only a real instance can: "the builder's Systems Manager agent is online"
   and the builder's package inventory. Everything else runs for real in the local cloud.
2. Kiln re-bakes the web role on the new base image by itself (two-phase images). That bake has no
   test case, so it stops where a real instance is needed, cleans up after itself, and the team's
   mailbox gets the failure notification: the failure path, for real.
"""

import io
import json
import secrets
import sys
import tarfile
import time

import boto3

STACK = "kiln"
MAILBOX = "kiln-demo-mailbox"
TEMPLATE = "kiln-demo-base"
DEADLINE_SECONDS = 240


def main(root: str) -> int:
    cfn, sfn, sqs, sns, ec2, ssm, s3, events = (boto3.client(s) for s in (
        "cloudformation", "stepfunctions", "sqs", "sns", "ec2", "ssm", "s3", "events"))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]}
    bake_arn = outputs["BakeStateMachineArn"]
    print(f"Kiln is deployed in the local cloud (stack '{STACK}', state machine {bake_arn.split(':')[-1]})")

    queue_url = sqs.create_queue(QueueName=MAILBOX)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=outputs["NotificationTopicArn"], Protocol="sqs", Endpoint=queue_arn)
    template_id = ensure_launch_template(ec2)
    print(f"A team's launch template for role base: {TEMPLATE} ({template_id}, tagged kiln:role=base)")
    print(f"The team's mailbox: queue '{MAILBOX}', subscribed to Kiln's notification topic\n")

    sha = secrets.token_hex(20)
    s3.put_object(Bucket=outputs["ArtifactBucketName"], Key=f"bundles/{sha}.tar.gz", Body=bundle(f"{root}/examples/fleet", sha))
    print(f"1. Commit {sha[:7]} of examples/fleet is in the artifact bucket: bundles/{sha}.tar.gz")
    started = time.time()
    execution = sfn.start_execution(
        stateMachineArn=f"{bake_arn}#HappyPath", name=f"demo-base-{sha[:12]}",
        input=json.dumps({"role": "base", "source": {"sha": sha, "ref": "refs/heads/main"}, "reason": "manual"}))["executionArn"]
    print(f"   baking role base: execution {execution.split(':')[-1]}")
    result = wait(sfn, execution)
    print(f"   {result['status']} after {time.time() - started:.0f} s")
    if result["status"] != "SUCCEEDED":
        print(f"   error: {result.get('error')}: {result.get('cause')}", file=sys.stderr)
        return 1
    output = json.loads(result["output"])
    image_id = output["imageId"]
    print("   steps (seconds): " + ", ".join(f"{k} {v}" for k, v in output["durations"].items()))
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
    print(f"   image {image_id} ({image['State']}), {output['packages']} packages recorded, manifest {output['manifest']}")
    for key in ("kiln:role", "kiln:commit", "kiln:parent-image", "kiln:builder-market", "kiln:duration:provision"):
        print(f"     {key} = {tags.get(key)}")
    print(f"   /kiln/images/base -> {ssm.get_parameter(Name='/kiln/images/base')['Parameter']['Value']}")
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"]
    pinned = [v for v in versions if v["LaunchTemplateData"].get("ImageId") == image_id]
    print(f"   {TEMPLATE} version {pinned[0]['VersionNumber']} is pinned to {image_id}" if pinned
          else f"   {TEMPLATE} has no version pinned to {image_id}")
    builders = live_builders(ec2, sha)
    print(f"   builders still running for this commit: {len(builders)}")

    print("\n2. Image Baked for base re-bakes the roles built on it: web")
    child = wait_for_child(sfn, bake_arn, image_id)
    if child is None:
        print("   no re-bake of web started", file=sys.stderr)
        return 1
    print(f"   Kiln started {child.split(':')[-1]}")
    child_result = wait(sfn, child)
    print(f"   {child_result['status']}: {child_result.get('error')} (in the local cloud no instance runs a Systems"
          " Manager agent, so this bake stops there, as it would on AWS if the builder never came online)")
    notification = wait_for_notification(sqs, queue_url, child.split(":")[-1])
    if notification is None:
        print("   no notification arrived", file=sys.stderr)
        return 1
    print(f"\n--- what the team's mailbox received (subject: {notification['Subject']}) ---")
    print(notification["Message"].rstrip())
    print("--- end of notification ---")
    print(f"\nBuilders left running by either bake: {len(live_builders(ec2, sha)) + len(live_builders(ec2, child_sha(sfn, child)))}")
    print("\nNext: scripts/local-cloud stop when done; README.md explains starting bakes by hand.")
    return 0


def bundle(folder: str, sha: str) -> bytes:
    """The repository as GitHub's tarball API gives it: one top-level folder."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        tar.add(folder, arcname=f"example-org-fleet-{sha[:7]}")
    return data.getvalue()


def ensure_launch_template(ec2) -> str:
    found = ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [TEMPLATE]}])["LaunchTemplates"]
    if found:
        return found[0]["LaunchTemplateId"]
    return ec2.create_launch_template(
        LaunchTemplateName=TEMPLATE, LaunchTemplateData={"InstanceType": "t4g.small"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "kiln:role", "Value": "base"}]}],
    )["LaunchTemplate"]["LaunchTemplateId"]


def wait(sfn, execution: str) -> dict:
    deadline = time.time() + DEADLINE_SECONDS
    while time.time() < deadline:
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


def child_sha(sfn, execution: str) -> str:
    return json.loads(sfn.describe_execution(executionArn=execution)["input"])["source"]["sha"]


def wait_for_notification(sqs, queue_url: str, execution_name: str):
    deadline = time.time() + 120
    while time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            envelope = json.loads(message["Body"])
            if envelope.get("Subject", "").endswith(execution_name):
                return envelope
    return None


def live_builders(ec2, sha: str) -> list:
    reservations = ec2.describe_instances(Filters=[
        {"Name": "tag:kiln:commit", "Values": [sha]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
    return [i["InstanceId"] for r in reservations for i in r["Instances"]]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
