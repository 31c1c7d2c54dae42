"""Writes the configuration Kiln is deployed with in the local cloud (run by scripts/deploy-local).

It is examples/kiln.json with these changes: the builders' VPC and subnet are ones that exist in the
local cloud (made here once, found by their Name tag afterwards); the waits (builders', commands',
deploys' and drains') are short, because nothing in the local cloud takes time and the failure tests
wait for timeouts on purpose (a long timeout would also stretch the polls: each wait asks a bounded
number of times); and the GitHub API and the ALAS site are local ones (LOCAL_GITHUB_API, LOCAL_ALAS_SITE),
which the demo and the tests serve while they run. Rotation rotates one group at a time (the local
cloud runs on two cores), warms a new instance up for 5 s (the local Auto Scaling waits that long
before its refresh's next batch), polls every second, gives up watching after a minute, and has no
freeze window (the tests must not depend on the date). A group is suspended after three failed launches
in a row (LifecycleIT waits for it). Role web's blue/green release uses a load balancer of the local cloud
(made here once, found by its name afterwards: `kiln-local-web`, its target groups `kiln-local-web-blue`
and `-green`, and an HTTP listener forwarding to blue), waits at most a few minutes for anything, switches
in two steps without pausing, and keeps the old colour for a minute. Role web's images are distributed to a
second region of the account (us-west-2) and, shared with another account (111111111111), to a third (eu-west-1),
encrypted there with the key `alias/kiln-local-images` (made here once, found by its alias afterwards).
"""

import json
import sys

import boto3

NAME = "kiln-local-builders"
LOCAL_GITHUB_API = "http://127.0.0.1:9797"
LOCAL_ALAS_SITE = "http://127.0.0.1:9798"
WEB = "kiln-local-web"
IMAGES_KEY = "alias/kiln-local-images"
MEMBER_ACCOUNT = "111111111111"


def ensure_network(ec2):
    def tagged(kind, resources):
        found = [r for r in resources if {"Key": "Name", "Value": NAME} in r.get("Tags", [])]
        return found[0] if found else None

    vpc = tagged("vpc", ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Vpcs"])
    if vpc is None:
        vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": NAME}]}])["Vpc"]
    subnet = tagged("subnet", ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Subnets"])
    if subnet is None:
        subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.42.1.0/24", TagSpecifications=[
            {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": NAME}]}])["Subnet"]
    return vpc["VpcId"], subnet["SubnetId"]


def ensure_load_balancer(ec2, elbv2, vpc_id, subnet_id):
    """The local load balancer of role web's blue/green release: its listener's and target groups' ARNs."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [WEB]}])["Subnets"]
    if subnets:
        second = subnets[0]["SubnetId"]
    else:  # an Application Load Balancer spans two Availability Zones
        second = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.2.0/24", AvailabilityZone="us-east-1b", TagSpecifications=[
            {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": WEB}]}])["Subnet"]["SubnetId"]
    balancers = [b for b in elbv2.describe_load_balancers()["LoadBalancers"] if b["LoadBalancerName"] == WEB]
    balancer = balancers[0] if balancers else elbv2.create_load_balancer(
        Name=WEB, Subnets=[subnet_id, second], Scheme="internal", Type="application")["LoadBalancers"][0]
    existing = {t["TargetGroupName"]: t["TargetGroupArn"] for t in elbv2.describe_target_groups()["TargetGroups"]}
    targets = {}
    for colour in ("blue", "green"):
        name = f"{WEB}-{colour}"
        targets[colour] = existing.get(name) or elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="instance", HealthCheckPath="/healthz",
            HealthCheckIntervalSeconds=5, HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
    listeners = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    listener = listeners[0] if listeners else elbv2.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": targets["blue"]}])["Listeners"][0]
    return listener["ListenerArn"], targets


def ensure_key(kms):
    """The customer managed key copies shared with another account are encrypted with, in that region."""
    if not any(alias["AliasName"] == IMAGES_KEY for alias in kms.list_aliases()["Aliases"]):
        key = kms.create_key(Description="Kiln's local image copies")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=IMAGES_KEY, TargetKeyId=key)


def main(example_path, out_path):
    vpc_id, subnet_id = ensure_network(boto3.client("ec2"))
    listener, targets = ensure_load_balancer(boto3.client("ec2"), boto3.client("elbv2"), vpc_id, subnet_id)
    config = json.load(open(example_path))
    config["builder"].update({
        "vpcId": vpc_id, "subnetIds": [subnet_id],
        "ssmTimeoutMinutes": 1, "commandTimeoutMinutes": 5, "imageTimeoutMinutes": 1, "pollSeconds": 2,
        "keepOnFailureHours": 1})
    for role in config["roles"]:
        if "deploy" in role:
            role["deploy"]["timeoutMinutes"] = 3
        if "drain" in role:
            role["drain"]["timeoutSeconds"] = 10
        if "blueGreen" in role:
            role["blueGreen"].update({
                "listenerArn": listener,
                "blue": {"group": "web-blue", "targetGroupArn": targets["blue"]},
                "green": {"group": "web-green", "targetGroupArn": targets["green"]},
                "readyTimeoutMinutes": 4, "smokeTimeoutSeconds": 60, "approval": {"timeoutMinutes": 1},
                "switch": {**role["blueGreen"].get("switch", {}), "steps": [50, 100], "pauseMinutes": 0}, "keepOldMinutes": 1})
    config["repository"]["apiUrl"] = LOCAL_GITHUB_API
    # read by hand in the tests; a scheduled read in the middle of one would take its advisories
    config.setdefault("advisories", {}).update({"siteUrl": LOCAL_ALAS_SITE, "everyMinutes": 1440})
    rotation = config.setdefault("rotation", {})
    rotation.update({"maxConcurrency": 1, "instanceWarmupSeconds": 5, "pollSeconds": 1, "deadlineMinutes": 1})
    rotation.pop("freezeWindows", None)
    # a group whose launches keep failing is suspended after three of them, not five: the tests wait for it
    config["launchFailures"] = {"suspendAfter": 3, "windowMinutes": 60}
    ensure_key(boto3.client("kms", region_name="eu-west-1"))
    config["distribution"] = {
        "targets": [{"regions": ["us-west-2"], "roles": ["web"]},
                    {"regions": ["eu-west-1"], "accounts": [MEMBER_ACCOUNT], "roles": ["web"]}],
        "kmsKeys": {"eu-west-1": IMAGES_KEY}}
    with open(out_path, "w") as out:
        json.dump(config, out, indent=2)
    print(out_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
