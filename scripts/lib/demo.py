"""Drives Kiln's main job on the local cloud and shows what happened (run by scripts/demo).

The demo plays GitHub: it serves the example fleet repository (examples/fleet) through a small local
GitHub API (the local deployment's repository.apiUrl) and sends webhook deliveries as GitHub does.

Everything runs for real in the local cloud: builders and fleet instances are the local cloud's
instance sandboxes (their Systems Manager agent comes online, Run Command runs the playbooks, tests
and release scripts in them, and an image carries its instance's disk), and its Auto Scaling starts
launch and drain through their lifecycle hooks, and replaces a group's instances in an instance refresh.

1. A commit of the example fleet is baked into the base role's image. The bake's first step fetches
   the commit's tarball from the (local) GitHub API; a builder instance runs the role's playbook, a
   fresh instance of its image runs the server tests, and the image is published.
2. Kiln re-bakes the web role on the new base image by itself (two-phase images): nginx and the site's
   configuration, tested on a fresh instance of the image.
3. A developer pushes a change to the web role: GitHub's signed push delivery reaches Kiln's webhook,
   which answers which roles it bakes and starts that bake; a redelivery changes nothing, and a
   delivery signed with the wrong secret is refused.
4. The team releases a new version of the web site (examples/releases/web) with scripts/kiln release
   set (which uploads it and asks Kiln's release function), and their web group (step 2's image, Kiln's two lifecycle hooks) scales out: Auto
   Scaling's lifecycle event starts launch, which deploys the release on the instance, checks the site
   and lets the instance serve; a repeated event does nothing. The group scales in and drain empties
   the instance before it goes. The demo prints the exact CompleteLifecycleAction requests.
5. Amazon Linux publishes a security advisory for expat, which the base image carries: the demo
   plays the ALAS site (a local one, the local deployment's advisories.siteUrl). advisory-feed's
   first read records what the feed lists; its next read announces the new advisory once; patch
   starts by itself, finds base and web affected, bakes base with the advisory (web follows on base's
   new image), asks rotate to replace their fleets now, and scripts/kiln advisories shows the outcome.
6. The nightly rotation (its schedule is stored in the local cloud, which never fires it) is started
   as the schedule would: the team's base group runs an older image and its canary, frozen with
   scripts/kiln freeze, too; scripts/kiln rotate shows what the rotation will take; rotate
   finds the groups tagged kiln:rotate=nightly, skips the frozen one, pins base's current image in the
   group's launch template and starts an instance refresh, which replaces the group's instances one
   at a time; rotate follows it to its end, records each group's outcome and tells the team.
7. The team releases web by day, blue/green (demo_blue_green.py): web-blue serves behind the local load
   balancer; one command starts blue-green, which puts web's current image on web-green (through the
   launch workflow), adds a listener rule that shows green to the office's address only, runs the smoke
   checks and mails the approvers a link; the demo presses Approve on the page, the listener moves to
   green in steps, and after the rollback window web-blue's instance drains away.
"""

import io
import json
import pathlib
import secrets
import sys
import tarfile
import tempfile
import time
import uuid

import boto3
import botocore.exceptions

from demo_blue_green import blue_green_release, kiln
from local_fakes import ALAS_PORT, GITHUB_API_PORT, LocalAlas, LocalGitHub, deliver, push_payload, sign
from watch import (bake_instances, child_sha, execution_about, follow, group_images, instance_changes, lifecycle_state,
                   live_builders, patch_plan, wait, wait_for_child, wait_for_execution, wait_for_notification,
                   wait_for_object, wait_for_patch, wait_until)

STACK = "kiln"
MAILBOX = "kiln-demo-mailbox"
TEMPLATE = "kiln-demo-base"
ROTATED_GROUP = "demo-base"  # step 6's group, opted into the nightly rotation
CANARY_GROUP = "demo-base-canary"  # and its frozen canary


def main(root: str) -> int:
    refusals = IamRefusals(root)
    cfn, sfn, sqs, sns, ec2, ssm, s3 = (boto3.client(s) for s in (
        "cloudformation", "stepfunctions", "sqs", "sns", "ec2", "ssm", "s3"))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]}
    bake_arn = outputs["BakeStateMachineArn"]
    print(f"Kiln is deployed in the local cloud (stack '{STACK}', state machine {bake_arn.split(':')[-1]})")

    queue_url = sqs.create_queue(QueueName=MAILBOX)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=outputs["NotificationTopicArn"], Protocol="sqs", Endpoint=queue_arn)
    template_id = ensure_launch_template(ec2)
    print(f"A team's launch template for role base: {TEMPLATE} ({template_id}, tagged kiln:role=base)")
    print(f"The team's mailbox: queue '{MAILBOX}', subscribed to Kiln's notification topic\n")

    github = LocalGitHub(f"{root}/examples/fleet")
    sha = github.commit()
    print(f"1. Commit {sha[:7]} of example-org/fleet is on GitHub (a local GitHub API on port {GITHUB_API_PORT})")
    started = time.time()
    execution = sfn.start_execution(
        stateMachineArn=bake_arn, name=f"demo-base-{sha[:12]}",
        input=json.dumps({"role": "base", "source": {"sha": sha, "ref": "refs/heads/main"}, "reason": "manual"}))["executionArn"]
    print(f"   baking role base: execution {execution.split(':')[-1]}")
    result = wait(sfn, execution)
    print(f"   {result['status']} after {time.time() - started:.0f} s")
    if result["status"] != "SUCCEEDED":
        print(f"   error: {result.get('error')}: {result.get('cause')}", file=sys.stderr)
        return 1
    output = json.loads(result["output"])
    image_id = output["imageId"]
    print(f"   its first step fetched the commit's tarball from the GitHub API ({github.requests(sha)} request)"
          f" into the artifact bucket: bundles/{sha}.tar.gz")
    print("   steps (seconds): " + ", ".join(f"{k} {v}" for k, v in output["durations"].items()))
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    tags = {t["Key"]: t["Value"] for t in image.get("Tags", [])}
    print(f"   image {image_id} ({image['State']}), {output['packages']} packages recorded, manifest {output['manifest']}")
    builder, tester = bake_instances(ec2, tags.get("kiln:build-id"), "base")
    print(f"   builder {builder['InstanceId']} ran roles/base/playbook.yml ({builder['State']['Name']} now); then, as Image"
          f" Builder's test stage does, a fresh instance of the image, {tester['InstanceId']}, ran roles/base/tests/run.sh"
          f" ({tester['State']['Name']} now); their output: s3://{outputs['ArtifactBucketName']}/logs/base/{tags.get('kiln:build-id')}/")
    for key in ("kiln:role", "kiln:commit", "kiln:parent-image", "kiln:builder-market", "kiln:duration:provision"):
        print(f"     {key} = {tags.get(key)}")
    print(f"   /kiln/images/base -> {ssm.get_parameter(Name='/kiln/images/base')['Parameter']['Value']}")
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"]
    pinned = [v for v in versions if v["LaunchTemplateData"].get("ImageId") == image_id]
    print(f"   {TEMPLATE} version {pinned[0]['VersionNumber']} is pinned to {image_id}" if pinned
          else f"   {TEMPLATE} has no version pinned to {image_id}")
    builders = live_builders(ec2, sha)
    print(f"   builders and test instances still running for this commit: {len(builders)}")

    print("\n2. Image Baked for base re-bakes the roles built on it: web")
    child = wait_for_child(sfn, bake_arn, image_id)
    if child is None:
        print("   no re-bake of web started", file=sys.stderr)
        return 1
    print(f"   Kiln started {child.split(':')[-1]}")
    child_result = wait(sfn, child)
    print(f"   {child_result['status']}")
    if child_result["status"] != "SUCCEEDED":
        print(f"   error: {child_result.get('error')}: {child_result.get('cause')}", file=sys.stderr)
        return 1
    web_image = json.loads(child_result["output"])["imageId"]
    web_tags = {t["Key"]: t["Value"] for t in ec2.describe_images(ImageIds=[web_image])["Images"][0].get("Tags", [])}
    print(f"   image {web_image}: kiln:parent-image = {web_tags.get('kiln:parent-image')} (step 1's),"
          f" {web_tags.get('kiln:packages')} packages (nginx among them), server tests passed on a fresh instance of it")
    print(f"   /kiln/images/web -> {ssm.get_parameter(Name='/kiln/images/web')['Parameter']['Value']}")
    if not distribution(outputs, sfn, web_image):
        return 1
    print(f"\nBuilders and test instances left running by either bake: {len(live_builders(ec2, sha)) + len(live_builders(ec2, child_sha(sfn, child)))}")

    if not push_to_github(root, outputs, sfn, s3, github):
        return 1
    if not release_and_launch(root, outputs, sfn, ec2, web_image):
        return 1
    if not security_advisory(root, outputs, sfn):
        return 1
    if not nightly_rotation(root, outputs, sfn, ec2, sqs, queue_url, template_id):
        return 1
    if not blue_green_release(root, outputs, ec2, sqs, queue_url, fleet_instance_profile(outputs["FleetInstancePolicyArnWeb"]),
                              web_image, show_notification):
        return 1
    if not refusals.none_since_start():
        return 1
    print("\nNext: scripts/local-cloud stop when done; docs/ explains the webhook, starting bakes by hand,"
          " releases, the lifecycle hooks, security advisories, rotation and blue/green releases"
          " (docs/architecture.md is the map).")
    return 0


def distribution(outputs: dict, sfn, image_id: str) -> bool:
    """Step 2's published web image in the local deployment's distribution targets (scripts/lib/local_config.py)."""
    print("   Image Baked (published) starts distribute: web's images go to us-west-2 and, shared with account"
          " 111111111111, to eu-west-1 (kiln.json's distribution)")
    machine = outputs["DistributeStateMachineArn"]
    execution = wait_until("distribute execution", lambda: execution_about(sfn, machine, image_id))
    result = wait(sfn, execution)
    print(f"   distribute {execution.split(':')[-1]}: {result['status']}")
    if result["status"] != "SUCCEEDED":
        print(f"   error: {result.get('error')}: {result.get('cause')}", file=sys.stderr)
        return False
    for region in ("us-west-2", "eu-west-1"):
        ec2 = boto3.client("ec2", region_name=region)
        copy = ec2.describe_images(Filters=[{"Name": "tag:kiln:source-image", "Values": [image_id]}])["Images"][0]
        snapshot = ec2.describe_snapshots(SnapshotIds=[copy["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]])["Snapshots"][0]
        shared = [p["UserId"] for p in ec2.describe_image_attribute(
            ImageId=copy["ImageId"], Attribute="launchPermission")["LaunchPermissions"] if "UserId" in p]
        try:
            pointer = boto3.client("ssm", region_name=region).get_parameter(Name="/kiln/images/web")["Parameter"]["Value"]
        except botocore.exceptions.ClientError:
            pointer = None
        print(f"   {region}: copy {copy['ImageId']} ({copy['State']}), snapshot encrypted with"
              f" {snapshot.get('KmsKeyId', 'the default key')}" + (f", shared with {', '.join(shared)}" if shared else "")
              + (f"; /kiln/images/web there -> {pointer}" if pointer else "; no pointer of this account there"))
        for account in shared:
            # read as the member's own administrator would: with its keys (in the local cloud, the account's id)
            member = boto3.client("ssm", region_name=region, aws_access_key_id=account, aws_secret_access_key="test")
            pointed = member.get_parameter(Name="/kiln/images/web")["Parameter"]["Value"]
            print(f"   {region}, account {account}: /kiln/images/web -> {pointed}"
                  " (written by the hub through the member stack's role)")
            if pointed != copy["ImageId"]:
                print(f"   error: account {account}'s pointer does not name the copy {copy['ImageId']}", file=sys.stderr)
                return False
    return True


class IamRefusals:
    """The local cloud's IAM refusal log (scripts/local-cloud refusals), from where it stood when the demo began."""

    def __init__(self, root: str):
        self.path = f"{root}/.cache/local-cloud/iam-refusals.jsonl"
        self.start = len(self._lines())

    def _lines(self) -> list:
        try:
            with open(self.path, encoding="utf-8") as log:
                return log.readlines()
        except FileNotFoundError:
            return []

    def none_since_start(self) -> bool:
        new = self._lines()[self.start:]
        print(f"\nIAM: the local cloud checked every call Kiln made against the caller's role; refused: {len(new)}")
        for line in new:
            refusal = json.loads(line)
            print(f"   {refusal['role']}: {refusal['action']} on {refusal['resource']} ({refusal['reason']})", file=sys.stderr)
        return not new


def push_to_github(root: str, outputs: dict, sfn, s3, github) -> bool:
    webhook_secret = boto3.client("secretsmanager").get_secret_value(SecretId=outputs["WebhookSecretName"])["SecretString"]
    sha = github.commit()
    body = push_payload(root, sha, ["roles/web/templates/kiln-site.conf.j2"])
    delivery = str(uuid.uuid4())
    print(f"\n3. A developer pushes commit {sha[:7]} to main, changing roles/web/templates/kiln-site.conf.j2;"
          f" GitHub delivers the push to Kiln's webhook ({outputs['WebhookUrl']})")
    asked = time.time()
    status, answer = deliver(outputs["WebhookUrl"], "push", delivery, body, sign(webhook_secret, body))
    print(f"   Kiln answered {status} in {time.time() - asked:.1f} s (GitHub waits 10 s): {answer}")
    if status != 202:
        return False
    name = f"web-{sha}"
    bake = wait_for_execution(sfn, outputs["BakeStateMachineArn"], name)
    if bake is None:
        print("   no bake of web started", file=sys.stderr)
        return False
    print(f"   the push state machine started bake {name}")
    print(f"   with input {sfn.describe_execution(executionArn=bake)['input']}")
    fetched = wait_for_object(s3, outputs["ArtifactBucketName"], f"bundles/{sha}.tar.gz")
    print(f"   its first step fetched the commit from the GitHub API ({github.requests(sha)} request, {fetched} bytes)")
    again_status, again = deliver(outputs["WebhookUrl"], "push", delivery, body, sign(webhook_secret, body))
    print(f"   GitHub redelivers the same delivery: Kiln answers {again_status} as before"
          f" ({'the same answer' if again == answer else 'a different answer!'}), and starts nothing new")
    forged_status, forged = deliver(outputs["WebhookUrl"], "push", str(uuid.uuid4()), body, sign("not the secret", body))
    print(f"   someone else posts the same push signed with another secret: Kiln answers {forged_status}: {forged}")
    time.sleep(3)
    bakes = [e for e in sfn.list_executions(stateMachineArn=outputs["BakeStateMachineArn"], maxResults=100)["executions"]
             if e["name"] == name]
    print(f"   bakes of web at {sha[:7]}: {len(bakes)}")
    baked = wait(sfn, bake)
    print(f"   the bake of the push: {baked['status']}" + (f" ({json.loads(baked['output'])['imageId']})"
                                                            if baked["status"] == "SUCCEEDED" else f": {baked.get('error')}"))
    return len(bakes) == 1 and again == answer and forged_status == 401 and baked["status"] == "SUCCEEDED"


def release_and_launch(root: str, outputs: dict, sfn, ec2, image_id: str) -> bool:
    bucket = outputs["ArtifactBucketName"]
    version = time.strftime("%Y.%m.%d-%H%M%S")
    tarball = pathlib.Path(tempfile.mkdtemp(prefix="kiln-demo-")) / f"web-{version}.tar.gz"
    tarball.write_bytes(release_tarball(f"{root}/examples/releases/web"))
    print(f"\n4. The team releases web {version}: examples/releases/web packed into {tarball.name}")
    wrong = kiln(root, "release", "set", "web", version, "--artifact", str(tarball), "--sha256", "0" * 64, check=False)
    print(f"   scripts/kiln release set web {version} --artifact {tarball.name} --sha256 000...: refused before anything"
          f" is uploaded (exit {wrong.returncode}): {wrong.stderr.strip()}")
    done = kiln(root, "release", "set", "web", version, "--artifact", str(tarball))
    print(f"   scripts/kiln release set web {version} --artifact {tarball.name}:")
    for line in done.stdout.splitlines():
        print(f"     {line}")

    autoscaling = boto3.client("autoscaling")
    group = web_group(autoscaling, ec2, fleet_instance_profile(outputs["FleetInstancePolicyArnWeb"]), image_id)
    print(f"   the team's web group {group}: launch template of image {image_id} (step 2's), tagged kiln:role=web,"
          " with Kiln's hooks kiln-launch and kiln-drain")
    autoscaling.set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=1)
    instance = wait_until("an instance in " + group, lambda: next(iter(
        autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]), None))["InstanceId"]
    launch = wait_until(f"launch of {instance}", lambda: execution_about(sfn, outputs["LaunchStateMachineArn"], instance))
    print(f"   the group scales out: Auto Scaling launches {instance}, holds it in Pending:Wait and sends"
          f" 'EC2 Instance-launch Lifecycle Action'; its rule started launch {launch.split(':')[-1]}")
    run = follow(sfn, launch)
    if run["status"] != "SUCCEEDED":
        print(f"   launch {run['status']}: {run.get('error')}: {run.get('cause')}", file=sys.stderr)
        return False
    print(f"   launch took the {json.loads(run['output'])['path']} path: " + " -> ".join(run["steps"]))
    print(f"   Run Command output: s3://{bucket}/logs/launch/web/{instance}/{run['name']}/")
    print(f"   and told Auto Scaling: CompleteLifecycleAction {json.dumps(run['completions'])}")
    print(f"   {instance} is {lifecycle_state(autoscaling, instance)}")
    again = follow(sfn, sfn.start_execution(stateMachineArn=outputs["LaunchStateMachineArn"],
                                            name=f"demo-again-{uuid.uuid4().hex[:8]}", input=run["input"])["executionArn"])
    held_by = json.loads(again["output"]).get("heldBy", "?").split(":")[-1]
    print(f"   EventBridge delivers the same event again (same token): launch sees that {held_by} handled it"
          f" and makes {len(again['completions'])} CompleteLifecycleAction requests")

    autoscaling.set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=0)
    drain = wait_until(f"drain of {instance}", lambda: execution_about(sfn, outputs["DrainStateMachineArn"], instance))
    print(f"   later the group scales in: Auto Scaling holds {instance} in Terminating:Wait and sends"
          f" 'EC2 Instance-terminate Lifecycle Action'; its rule started drain {drain.split(':')[-1]}")
    run = follow(sfn, drain)
    print(f"   drain {run['status']}: " + " -> ".join(run["steps"]))
    print(f"   and told Auto Scaling: CompleteLifecycleAction {json.dumps(run['completions'])}")
    state = wait_until(f"{instance} terminated", lambda: next(
        (i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=[instance])["Reservations"] for i in r["Instances"]
         if i["State"]["Name"] == "terminated"), None))
    print(f"   {instance} is {state}")
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName=group)
    return run["status"] == "SUCCEEDED" and len(again["completions"]) == 0


def fleet_instance_profile(policy_arn: str) -> str:
    """The web fleet's instance profile: Kiln's fleet instance policy for web (a stack output) and nothing else."""
    iam = boto3.client("iam")
    name = "kiln-demo-web-fleet"
    try:
        return iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        pass
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Arn"]


def web_group(autoscaling, ec2, profile_arn: str, image_id: str) -> str:
    """An empty web group of the image, with the two hooks as KilnLifecycleHooks makes them."""
    group = f"kiln-demo-web-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(LaunchTemplateName=group, LaunchTemplateData={
        "ImageId": image_id, "InstanceType": "t4g.small", "IamInstanceProfile": {"Arn": profile_arn}})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group, MinSize=0, MaxSize=2, DesiredCapacity=0, AvailabilityZones=["us-east-1a"],
        LaunchTemplate={"LaunchTemplateName": group}, Tags=[{"ResourceId": group, "ResourceType": "auto-scaling-group",
                                                             "Key": "kiln:role", "Value": "web", "PropagateAtLaunch": True}])
    autoscaling.put_lifecycle_hook(AutoScalingGroupName=group, LifecycleHookName="kiln-launch", HeartbeatTimeout=600,
                                   LifecycleTransition="autoscaling:EC2_INSTANCE_LAUNCHING", DefaultResult="ABANDON")
    autoscaling.put_lifecycle_hook(AutoScalingGroupName=group, LifecycleHookName="kiln-drain", HeartbeatTimeout=600,
                                   LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING", DefaultResult="CONTINUE")
    return group


def security_advisory(root: str, outputs: dict, sfn) -> bool:
    feed_fn = boto3.client("lambda")
    boto3.client("dynamodb").delete_item(TableName=outputs["AdvisoriesTableName"], Key={"key": {"S": "feed#2023"}})
    site = LocalAlas(f"{root}/functions/advisory-feed/src/test/resources/alas/advisories/AL2023-ALAS-2023-126.vunnel.html")

    def read() -> dict:
        answer = feed_fn.invoke(FunctionName=outputs["AdvisoryFeedFunctionName"], Payload=b"{}")
        return json.loads(answer["Payload"].read())["feeds"][0]

    try:
        number = secrets.randbelow(800_000) + 100_000
        site.publish(f"ALAS2023-2025-{number - 1}", "openssl", "Mon, 03 Nov 2025 10:00:00 GMT")
        first = read()
        print(f"\n5. Kiln reads the Amazon Linux 2023 security advisories (a local ALAS site on port {ALAS_PORT})")
        print(f"   first read: {first['result']}: {first['listed']} advisory recorded as already known, none announced")
        advisory = f"ALAS2023-2025-{number}"
        site.publish(advisory, "expat", "Wed, 05 Nov 2025 19:09:00 GMT")
        second = read()
        print(f"   ALAS publishes {advisory} (important): expat. Next read: {second['announced']} announced")
        again = read()
        print(f"   and the read after that: {again['result']} (the feed answered 304), nothing announced twice")
        patch = wait_for_patch(sfn, outputs["PatchStateMachineArn"], advisory)
        if patch is None:
            print("   no patch started", file=sys.stderr)
            return False
        plan = patch_plan(sfn, patch)
        print(f"   Security Advisory Published started patch {patch.split(':')[-1]}: {plan['summary']}")
        for role in plan["affected"]:
            print(f"     affected  {role['role']}: {role['why']}")
        for role in plan["untouched"]:
            print(f"     untouched {role['role']}: {role['why']}")
        for bake in plan["bakes"]:
            print(f"   it started bake {bake['name']} with input {json.dumps(bake['input'])}")
        print("   (that bake goes on like any other, the advisory's upgrade applied on the builder; web is re-baked on"
              " base's new image; then patch asks rotate to replace their fleets now and tells the team)")
        patched = wait(sfn, patch)
        summary = json.loads(patched["output"]).get("summary") if patched["status"] == "SUCCEEDED" else patched.get("error")
        print(f"   patch {patched['status']}: {summary}")
        rotation = wait_until(f"the rotation {advisory} asked for", lambda: execution_about(
            sfn, outputs["RotateStateMachineArn"], advisory), seconds=120)
        rotated = wait(sfn, rotation)
        print(f"   the security rotation it asked for, {rotation.split(':')[-1]}: {rotated['status']}"
              + (f": {json.loads(rotated['output']).get('summary')}" if rotated["status"] == "SUCCEEDED" else ""))
        print(f"   scripts/kiln advisories shows it:")
        for line in kiln(root, "advisories").stdout.splitlines():
            if line.startswith("ADVISORY") or line.startswith(advisory):
                print(f"     {line}")
        return bool(plan["bakes"]) and patched["status"] == "SUCCEEDED" and rotated["status"] == "SUCCEEDED"
    finally:
        site.close()


def nightly_rotation(root: str, outputs: dict, sfn, ec2, sqs, queue_url: str, template_id: str) -> bool:
    schedule = boto3.client("scheduler").get_schedule(Name=f"{STACK}-rotate-nightly")
    print(f"\n6. Every night ({schedule['ScheduleExpression']} in {schedule['ScheduleExpressionTimezone']}, schedule"
          f" {schedule['Name']}) rotate replaces the instances of groups tagged kiln:rotate=nightly with their"
          " role's current image")
    autoscaling = boto3.client("autoscaling")
    current = boto3.client("ssm").get_parameter(Name="/kiln/images/base")["Parameter"]["Value"]
    older = next(i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"] if i["ImageId"] != current)
    version = rotation_groups(autoscaling, ec2, template_id, older)
    before = group_images(autoscaling, ec2, ROTATED_GROUP)
    print(f"   the team's group {ROTATED_GROUP} (role base, {TEMPLATE} version {version}) runs {len(before)} instances of"
          f" {older}: {', '.join(sorted(before))}; so does its canary {CANARY_GROUP}, which the team holds back:")
    print(f"   scripts/kiln freeze {CANARY_GROUP}: {kiln(root, 'freeze', CANARY_GROUP).stdout.strip()}")
    print("   scripts/kiln rotate --role base (what the night's rotation will find; nothing starts):")
    for line in kiln(root, "rotate", "--role", "base").stdout.splitlines():
        print(f"     {line}")
    name = f"demo-nightly-{uuid.uuid4().hex[:8]}"
    execution = sfn.start_execution(stateMachineArn=outputs["RotateStateMachineArn"], name=name,
                                    input=json.dumps({"reason": "nightly"}))["executionArn"]
    print(f"   rotate {name} started; {ROTATED_GROUP}'s instances as Auto Scaling lists them meanwhile:")
    result = wait(sfn, execution, meanwhile=instance_changes(autoscaling, ROTATED_GROUP))
    print(f"   rotate {name}: {result['status']}")
    if result["status"] != "SUCCEEDED":
        print(f"   error: {result.get('error')}: {result.get('cause')}", file=sys.stderr)
        return False
    items = boto3.client("dynamodb").query(TableName=outputs["RotationsTableName"], KeyConditionExpression="rotation = :r",
                                           ExpressionAttributeValues={":r": {"S": name}})["Items"]
    outcomes = {item["asg"]["S"]: json.loads(item["outcome"]["S"]) for item in items}
    for group, outcome in sorted(outcomes.items()):
        print(f"     {group}: {outcome['outcome']}: {outcome.get('reason')}")
        if "request" in outcome:
            print(f"       StartInstanceRefresh {json.dumps(outcome['request'])}")
        if "refresh" in outcome:
            refresh = outcome["refresh"]
            print(f"       instance refresh {refresh.get('InstanceRefreshId')}: {refresh.get('Status')},"
                  f" {refresh.get('StartTime')} to {refresh.get('EndTime')}")
    after = group_images(autoscaling, ec2, ROTATED_GROUP)
    print(f"   {ROTATED_GROUP} now runs {', '.join(f'{i} ({image})' for i, image in sorted(after.items()))}")
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[ROTATED_GROUP])["AutoScalingGroups"][0]
    pinned = ec2.describe_launch_template_versions(LaunchTemplateId=template_id,
                                                   Versions=[group["LaunchTemplate"]["Version"]])["LaunchTemplateVersions"][0]
    print(f"   its launch template is now {TEMPLATE} version {pinned['VersionNumber']}, which pins"
          f" {pinned['LaunchTemplateData'].get('ImageId')} (base's current image)")
    if outcomes.get(ROTATED_GROUP, {}).get("outcome") != "succeeded" or set(after) & set(before):
        print(f"   {ROTATED_GROUP} was not rotated", file=sys.stderr)
        return False
    summary = wait_for_notification(sqs, queue_url, lambda n: name in n.get("Message", ""), seconds=60)
    if summary is None:
        print("   no rotation summary arrived", file=sys.stderr)
        return False
    show_notification(summary)
    return True


def rotation_groups(autoscaling, ec2, template_id: str, image_id: str) -> int:
    """The team's base groups opted into rotation, on a version of the template that runs an older image; the
    canary too. Groups left by an earlier demo are deleted first. Returns the version."""
    version = ec2.create_launch_template_version(
        LaunchTemplateId=template_id, SourceVersion="1", VersionDescription="the team's, before the nightly rotation",
        LaunchTemplateData={"ImageId": image_id})["LaunchTemplateVersion"]["VersionNumber"]
    for group, size in ((ROTATED_GROUP, 2), (CANARY_GROUP, 1)):
        try:
            autoscaling.delete_auto_scaling_group(AutoScalingGroupName=group, ForceDelete=True)
        except botocore.exceptions.ClientError as error:
            if "not found" not in str(error):
                raise
        tags = [("kiln:role", "base"), ("kiln:rotate", "nightly")]
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=group, MinSize=0, MaxSize=4, DesiredCapacity=size, AvailabilityZones=["us-east-1a"],
            LaunchTemplate={"LaunchTemplateId": template_id, "Version": str(version)},
            Tags=[{"ResourceId": group, "ResourceType": "auto-scaling-group", "Key": k, "Value": v, "PropagateAtLaunch": False}
                  for k, v in tags])
    return version


def release_tarball(folder: str) -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        tar.add(folder, arcname=".")
    return data.getvalue()


def ensure_launch_template(ec2) -> str:
    found = ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [TEMPLATE]}])["LaunchTemplates"]
    if found:
        return found[0]["LaunchTemplateId"]
    return ec2.create_launch_template(
        LaunchTemplateName=TEMPLATE, LaunchTemplateData={"InstanceType": "t4g.small"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "kiln:role", "Value": "base"}]}],
    )["LaunchTemplate"]["LaunchTemplateId"]


def show_notification(envelope: dict) -> None:
    print(f"\n--- what the team's mailbox received (subject: {envelope['Subject']}) ---")
    print(envelope["Message"].rstrip())
    print("--- end of notification ---")


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    except TimeoutError as gave_up:
        # a step that never came: say which, and where to look, instead of a traceback
        print(f"\nThe demo gave up: {gave_up}. The local cloud's log: {sys.argv[1]}/.cache/local-cloud/localstack.log",
              file=sys.stderr)
        sys.exit(1)
