"""The demo's blue/green release (step 7 of scripts/demo): the web role's two colours behind the local
load balancer (kiln-local-web, made by local_config.py), a preview only the office sees, the approval
link pressed, the switch, and the old colour draining away."""

import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.exceptions

from watch import wait, wait_for_notification, wait_until

BALANCER = "kiln-local-web"
OFFICE = "203.0.113.10/32"  # the example's previewCidrs


def blue_green_release(root: str, outputs: dict, ec2, sqs, queue_url: str, profile_arn: str, live_image: str, show_notification) -> bool:
    elbv2, autoscaling, sfn = boto3.client("elbv2"), boto3.client("autoscaling"), boto3.client("stepfunctions")
    balancer = elbv2.describe_load_balancers(Names=[BALANCER])["LoadBalancers"][0]
    listener = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"][0]["ListenerArn"]
    targets = {c: elbv2.describe_target_groups(Names=[f"{BALANCER}-{c}"])["TargetGroups"][0]["TargetGroupArn"] for c in ("blue", "green")}
    print(f"\n7. The team releases web by day, blue/green: load balancer {BALANCER}, whose listener sends everyone to"
          f" web-blue; web-green waits empty. Kiln previews web's current image on green to the office ({OFFICE})"
          " only, asks for an approval, then switches")
    elbv2.modify_listener(ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": targets["blue"]}])
    for colour in ("blue", "green"):
        colour_group(autoscaling, ec2, elbv2, f"web-{colour}", targets[colour], profile_arn, live_image)
    autoscaling.set_desired_capacity(AutoScalingGroupName="web-blue", DesiredCapacity=1)
    blue = wait_until("web-blue in service", lambda: in_service(autoscaling, "web-blue", 1), seconds=180)
    print(f"   web-blue serves on {', '.join(blue)} (image {live_image}, launched through Kiln's launch workflow)")

    execution = json.loads(kiln(root, "--output", "json", "release", "start", "web", "--no-wait",
                                "--reason", "the demo's release by day").stdout)["execution"]
    name = execution.split(":")[-1]
    print(f"   one command starts it: scripts/kiln release start web (with --no-wait here: the demo follows it itself): {name}")
    rule = wait_until("the preview rule", lambda: preview_rule(elbv2, listener), seconds=120)
    source = next(c["SourceIpConfig"]["Values"] for c in rule["Conditions"] if c["Field"] == "source-ip")
    print(f"   the preview rule: priority {rule['Priority']}, source-ip {', '.join(source)} -> forward to"
          f" {colour_of(rule['Actions'][0], targets)}; everyone else still reaches {colour_of(default_action(elbv2, listener), targets)}")
    asked = wait_for_notification(sqs, queue_url, lambda n: n.get("Subject", "").startswith("Kiln: approve the release of web")
                                  and name in n.get("Message", ""), seconds=240)
    if asked is None:
        print(f"   no approval request arrived; the release: {sfn.describe_execution(executionArn=execution)['status']}")
        return False
    green = in_service(autoscaling, "web-green", 1) or []
    print(f"   web-green is in service on {', '.join(green)} and healthy in its target group; the smoke checks passed on it")
    show_notification(asked)
    link = re.search(r"Approve or reject: (\S+)", asked["Message"])[1]
    status, page = press(link, "approve")
    outcome = re.search(r'<p class="outcome">([^<]*)</p>', page)
    print(f"\n   the product owner opens the link and presses Approve: the page answers {status}:"
          f" {outcome[1] if outcome else page[:200]}")
    again, _ = press(link, "reject")
    print(f"   the same link pressed again: {again} (a link decides once)")

    print("   where everyone is sent, and the colours' instances, until the release ends (the rollback window is one"
          " minute locally; within it, one command would have switched back: scripts/kiln release rollback web):")
    changes = release_changes(elbv2, autoscaling, listener, targets)
    result = wait(sfn, execution, meanwhile=changes)
    output = json.loads(result.get("output") or "{}")
    print(f"   {name}: {result['status']}, outcome {output.get('outcome')}"
          + ("" if result["status"] == "SUCCEEDED" else f": {result.get('error')}: {result.get('cause')}"))
    if result["status"] != "SUCCEEDED":
        return False
    print(f"   preview rule {'gone' if preview_rule(elbv2, listener) is None else 'still there!'}; web-blue scaled to"
          f" {group(autoscaling, 'web-blue')['DesiredCapacity']}: its instance drains (Kiln's drain workflow) and goes")

    def blue_empty():
        changes()
        return not group(autoscaling, "web-blue")["Instances"]

    wait_until("web-blue's instance gone", blue_empty, seconds=180)
    print(f"   everyone -> {colour_of(default_action(elbv2, listener), targets)}, on web-green's"
          f" {len(group(autoscaling, 'web-green')['Instances'])} instance; web-blue is empty, ready for the next release")
    print("   scripts/kiln status --role web:")
    for line in kiln(root, "status", "--role", "web").stdout.splitlines():
        print(f"     {line}")
    return output.get("outcome") == "switched"


def kiln(root: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The operator's command line (scripts/kiln), on the local cloud the demo's environment points at; with check,
    a command that does not end with 0 stops the demo."""
    done = subprocess.run([f"{root}/scripts/kiln", *args], capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise RuntimeError(f"scripts/kiln {' '.join(args)} ended with {done.returncode}: {done.stderr.strip()}")
    return done


def colour_group(autoscaling, ec2, elbv2, name: str, target_group: str, profile_arn: str, image_id: str) -> None:
    """A colour of web: a group of the image with Kiln's hooks, attached to its target group (one left by an
    earlier demo is replaced)."""
    try:
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
        wait_until(f"{name} deleted", lambda: not autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[name])["AutoScalingGroups"], seconds=120)
    except botocore.exceptions.ClientError as error:
        if "not found" not in str(error):
            raise
    template = f"kiln-demo-{name}"
    for found in ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [template]}])["LaunchTemplates"]:
        ec2.delete_launch_template(LaunchTemplateId=found["LaunchTemplateId"])
    ec2.create_launch_template(LaunchTemplateName=template, LaunchTemplateData={
        "ImageId": image_id, "InstanceType": "t4g.small", "IamInstanceProfile": {"Arn": profile_arn}},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "kiln:role", "Value": "web"}]}])
    # the old colour's instances leave the target group in seconds, not AWS's default of five minutes
    elbv2.modify_target_group_attributes(TargetGroupArn=target_group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "5"}])
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=0, MaxSize=2, DesiredCapacity=0, AvailabilityZones=["us-east-1a"],
        LaunchTemplate={"LaunchTemplateName": template, "Version": "1"}, TargetGroupARNs=[target_group],
        Tags=[{"ResourceId": name, "ResourceType": "auto-scaling-group", "Key": "kiln:role", "Value": "web", "PropagateAtLaunch": True}])
    autoscaling.put_lifecycle_hook(AutoScalingGroupName=name, LifecycleHookName="kiln-launch", HeartbeatTimeout=600,
                                   LifecycleTransition="autoscaling:EC2_INSTANCE_LAUNCHING", DefaultResult="ABANDON")
    autoscaling.put_lifecycle_hook(AutoScalingGroupName=name, LifecycleHookName="kiln-drain", HeartbeatTimeout=600,
                                   LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING", DefaultResult="CONTINUE")


def group(autoscaling, name: str) -> dict:
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def in_service(autoscaling, name: str, size: int):
    """The group's instances once it has size of them, all in service."""
    instances = group(autoscaling, name)["Instances"]
    ready = len(instances) == size and all(i["LifecycleState"] == "InService" for i in instances)
    return [i["InstanceId"] for i in instances] if ready else None


def preview_rule(elbv2, listener: str):
    """Kiln's preview rule of the listener (tagged kiln:purpose=preview), if there is one."""
    rules = [r for r in elbv2.describe_rules(ListenerArn=listener)["Rules"] if not r["IsDefault"]]
    if not rules:
        return None
    tagged = {d["ResourceArn"] for d in elbv2.describe_tags(ResourceArns=[r["RuleArn"] for r in rules])["TagDescriptions"]
              if {"Key": "kiln:purpose", "Value": "preview"} in d["Tags"]}
    return next((r for r in rules if r["RuleArn"] in tagged), None)


def default_action(elbv2, listener: str) -> dict:
    return elbv2.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"][0]


def colour_of(action: dict, targets: dict) -> str:
    """Where a forward action sends requests, by colour: 'web-green', or 'web-blue 50%, web-green 50%'."""
    names = {arn: f"web-{colour}" for colour, arn in targets.items()}
    weighted = action.get("ForwardConfig", {}).get("TargetGroups") or [{"TargetGroupArn": action["TargetGroupArn"]}]
    shares = [(names.get(t["TargetGroupArn"], t["TargetGroupArn"]), t.get("Weight")) for t in weighted if t.get("Weight", 1) > 0]
    return shares[0][0] if len(shares) == 1 else ", ".join(f"{n} {w}%" for n, w in shares)


def release_changes(elbv2, autoscaling, listener: str, targets: dict):
    """A call that prints each change of where the listener sends everyone and of the colours' instances."""
    seen = {}

    def show():
        now = {"everyone": colour_of(default_action(elbv2, listener), targets)}
        for name in ("web-blue", "web-green"):
            for instance in group(autoscaling, name)["Instances"]:
                now[f"{name} {instance['InstanceId']}"] = instance["LifecycleState"]
        for key in sorted(set(seen) | set(now)):
            if seen.get(key) != now.get(key):
                arrow = f"-> {now[key]}" if key == "everyone" else f"{seen.get(key, '(new)')} -> {now.get(key, '(gone)')}"
                print(f"     {time.strftime('%H:%M:%S')}  {key}  {arrow}")
        seen.clear()
        seen.update(now)

    return show


def press(link: str, decision: str) -> tuple[int, str]:
    """The approval page's button, as a browser posts it. The local cloud names a Function URL
    http://<url-id>.lambda-url.<region>.127.0.0.1:4566/ and routes it by its Host header."""
    parts = urllib.parse.urlsplit(link)
    form = (parts.query + "&" + urllib.parse.urlencode({"decision": decision})).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{parts.port or 80}/?{parts.query}", data=form, method="POST",
                                     headers={"Host": parts.netloc, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()
