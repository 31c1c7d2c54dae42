"""What IAM checks for one API call: its actions, the resources each applies to, the condition keys.

Written from AWS's Service Authorization Reference ("Actions, resources, and condition keys for
<service>") for the calls Kiln and its tests make. Most calls are one action on one resource; some
are several checks, all of which must pass:

- EC2 RunInstances is checked on every resource it uses or makes (instance, volume, network
  interface, image, subnet, security groups, key pair, launch template, spot request), CreateTags on
  each resource it tags at creation (with ec2:CreateAction = RunInstances), and iam:PassRole on the
  instance profile's role (iam:PassedToService = ec2.amazonaws.com); launched from a launch template,
  each RunInstances check carries ec2:LaunchTemplate. CreateImage likewise: the instance, the image and
  its snapshots, and CreateTags for the ones it tags.
- Auto Scaling's StartInstanceRefresh with a desired launch template, and CreateAutoScalingGroup and
  UpdateAutoScalingGroup with one, are also checked as the RunInstances that the template's version
  would make in the group's subnets ("You are not authorized to use launch template" otherwise), as
  AWS documents for launch templates in Auto Scaling groups.
- SSM SendCommand is checked on the document and on each instance (ssm:resourceTag/* from the
  instance's tags).
- EventBridge PutEvents is checked once per entry (events:source, events:detail-type).
- DynamoDB batch calls are checked once per table.
- Elastic Load Balancing's calls are checked on the listener, rule or target group they name (its
  Describe* calls on "*"); CreateRule with the tags it is given (aws:RequestTag/*).

A call this table does not know is checked as "<service>:<Operation>" on "*", so a policy that
names resources refuses it: unknown calls fail closed and show up in the refusal log.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlparse

from kiln_local_cloud.iam_policy import AuthRequest

# LocalStack's service name -> IAM's action prefix, where they differ
_PREFIXES = {"stepfunctions": "states", "monitoring": "cloudwatch", "elbv2": "elasticloadbalancing"}

_EC2_ID_TYPES = {
    "i": "instance",
    "ami": "image",
    "snap": "snapshot",
    "vol": "volume",
    "lt": "launch-template",
    "sg": "security-group",
    "subnet": "subnet",
    "vpc": "vpc",
    "eni": "network-interface",
    "sir": "spot-instances-request",
    "rtb": "route-table",
    "igw": "internet-gateway",
}
# resources whose ARNs carry no account: images and snapshots may be shared by another account
_EC2_WITHOUT_ACCOUNT = {"image", "snapshot"}


class Lookups(Protocol):
    """What the local cloud knows about existing resources, for resource ARNs and tag conditions."""

    def ec2_tags(self, resource_id: str) -> dict[str, str]: ...

    def instance_profile_role_arn(self, profile: dict) -> str | None: ...

    def secret_arn(self, secret_id: str) -> str: ...

    def launch_template_id(self, name: str) -> str | None: ...

    def auto_scaling_group(self, name: str) -> tuple[str, dict[str, str]] | None: ...

    def auto_scaling_group_subnets(self, name: str) -> list[str]: ...

    def launch_template_data(self, template_id: str, version: str | None) -> dict | None: ...

    def kms_key_arn(self, alias_arn: str) -> str | None: ...


def action_prefix(service: str) -> str:
    return _PREFIXES.get(service, service)


def authorizations(service: str, operation: str, params: dict, account: str, region: str,
                   lookups: Lookups) -> tuple[list[AuthRequest], bool]:
    """The checks one call needs, and whether the table knew the call (False: the fallback was used)."""
    mapper = _MAPPERS.get(service)
    checks = mapper(operation, params or {}, _Where(account, region), lookups) if mapper else None
    if checks is None:
        return [AuthRequest(f"{action_prefix(service)}:{operation}", "*")], False
    return checks, True


class _Where:
    def __init__(self, account: str, region: str):
        self.account, self.region = account, region

    def arn(self, service: str, resource: str, account: str | None = None) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account if account is None else account}:{resource}"


# --- tags -------------------------------------------------------------------------------------------


def _resource_tags(tags: dict[str, str], *prefixes: str) -> dict:
    return {f"{prefix}:resourcetag/{key.lower()}": value for prefix in ("aws", *prefixes) for key, value in tags.items()}


def _request_tags(tags: list[dict] | None) -> dict:
    if not tags:
        return {}
    context: dict = {f"aws:requesttag/{t['Key'].lower()}": t.get("Value", "") for t in tags}
    context["aws:tagkeys"] = [t["Key"] for t in tags]
    return context


# --- EC2 --------------------------------------------------------------------------------------------


def _ec2_arn(where: _Where, kind: str, resource_id: str) -> str:
    return where.arn("ec2", f"{kind}/{resource_id}", "" if kind in _EC2_WITHOUT_ACCOUNT else None)


def _ec2_existing(where: _Where, lookups: Lookups, resource_id: str) -> tuple[str, dict]:
    kind = _EC2_ID_TYPES.get(resource_id.split("-", 1)[0], "unknown")
    return _ec2_arn(where, kind, resource_id), _resource_tags(lookups.ec2_tags(resource_id), "ec2")


def _tag_specifications(params: dict) -> dict[str, list[dict]]:
    return {spec.get("ResourceType"): spec.get("Tags") or [] for spec in params.get("TagSpecifications") or []}


def _created_with_tags(action: str, create_action: str, where: _Where, kinds: list[str],
                       specs: dict[str, list[dict]]) -> list[AuthRequest]:
    checks = [AuthRequest(action, _ec2_arn(where, kind, "*"), _request_tags(specs.get(kind))) for kind in kinds]
    for kind, tags in specs.items():
        checks.append(AuthRequest("ec2:CreateTags", _ec2_arn(where, kind, "*"),
                                  {"ec2:createaction": create_action, **_request_tags(tags)}))
    return checks


def _on_existing(action: str, where: _Where, lookups: Lookups, ids: list[str], extra: dict | None = None):
    checks = []
    for resource_id in ids:
        arn, tags = _ec2_existing(where, lookups, resource_id)
        checks.append(AuthRequest(action, arn, {**tags, **(extra or {})}))
    return checks


def _ec2(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"ec2:{operation}"
    if operation.startswith("Describe") or operation.startswith("Get"):
        return [AuthRequest(action, "*")]
    if operation == "RunInstances":
        specs = _tag_specifications(params)
        checks = _created_with_tags(action, operation, where, ["instance", "volume", "network-interface"], specs)
        existing = [params["ImageId"]] if params.get("ImageId") else []
        subnets = [params["SubnetId"]] if params.get("SubnetId") else []
        subnets += [n["SubnetId"] for n in params.get("NetworkInterfaces") or [] if n.get("SubnetId")]
        existing += subnets or []
        existing += list(params.get("SecurityGroupIds") or [])
        checks += _on_existing(action, where, lookups, existing)
        if not subnets:
            checks.append(AuthRequest(action, _ec2_arn(where, "subnet", "*")))
        if params.get("KeyName"):
            checks.append(AuthRequest(action, _ec2_arn(where, "key-pair", params["KeyName"])))
        template = params.get("LaunchTemplate") or {}
        template_id = template.get("LaunchTemplateId") or lookups.launch_template_id(template.get("LaunchTemplateName", ""))
        if template_id:
            checks += _on_existing(action, where, lookups, [template_id])
            for check in checks:
                if check.action == action:
                    check.context["ec2:launchtemplate"] = _ec2_arn(where, "launch-template", template_id)
        if (params.get("InstanceMarketOptions") or {}).get("MarketType") == "spot":
            checks.append(AuthRequest(action, _ec2_arn(where, "spot-instances-request", "*"),
                                      _request_tags(specs.get("spot-instances-request"))))
        profile = params.get("IamInstanceProfile")
        if profile:
            role = lookups.instance_profile_role_arn(profile)
            checks.append(AuthRequest("iam:PassRole", role or "*", {"iam:passedtoservice": "ec2.amazonaws.com"}))
        return checks
    if operation == "CreateImage":
        specs = _tag_specifications(params)
        return _on_existing(action, where, lookups, [params.get("InstanceId", "")]) + _created_with_tags(
            action, operation, where, ["image", "snapshot"], specs)
    if operation in ("CreateTags", "DeleteTags"):
        return _on_existing(action, where, lookups, list(params.get("Resources") or []),
                            _request_tags(params.get("Tags")) if operation == "CreateTags" else
                            {"aws:tagkeys": [t["Key"] for t in params.get("Tags") or []]})
    if operation in ("StartInstances", "StopInstances", "TerminateInstances", "RebootInstances"):
        return _on_existing(action, where, lookups, list(params.get("InstanceIds") or []))
    if operation == "DeregisterImage":
        return _on_existing(action, where, lookups, [params.get("ImageId", "")])
    if operation == "DeleteSnapshot":
        return _on_existing(action, where, lookups, [params.get("SnapshotId", "")])
    if operation == "CopyImage":
        # the new image here, and (since October 2024) the source image in its own region
        source = _Where(where.account, params.get("SourceRegion") or where.region)
        source_id = params.get("SourceImageId", "")
        specs = _tag_specifications(params)
        checks = [AuthRequest(action, _ec2_arn(where, "image", "*"), _request_tags(specs.get("image"))),
                  AuthRequest(action, _ec2_arn(source, "image", source_id),
                              _resource_tags(lookups.ec2_tags(source_id) if source.region == where.region else {}, "ec2"))]
        for kind, tags in specs.items():
            checks.append(AuthRequest("ec2:CreateTags", _ec2_arn(where, kind, "*"),
                                      {"ec2:createaction": "CopyImage", **_request_tags(tags)}))
        return checks
    if operation == "ModifyImageAttribute":
        return _on_existing(action, where, lookups, [params.get("ImageId", "")])
    if operation == "ModifySnapshotAttribute":
        return _on_existing(action, where, lookups, [params.get("SnapshotId", "")])
    if operation in ("CreateLaunchTemplateVersion", "ModifyLaunchTemplate", "DeleteLaunchTemplate",
                     "DeleteLaunchTemplateVersions"):
        template_id = params.get("LaunchTemplateId") or lookups.launch_template_id(params.get("LaunchTemplateName", ""))
        return _on_existing(action, where, lookups, [template_id or "lt-unknown"])
    return None


# --- Systems Manager --------------------------------------------------------------------------------


def _parameter_arn(where: _Where, name: str) -> str:
    if name.startswith("arn:"):
        return name
    path = name.lstrip("/")
    # public parameters (Amazon Linux's latest AMIs) belong to no account
    return where.arn("ssm", f"parameter/{path}", "" if path.startswith("aws/service/") else None)


def _ssm(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"ssm:{operation}"
    if operation in ("GetParameter", "PutParameter", "DeleteParameter", "GetParameterHistory",
                     "LabelParameterVersion"):
        return [AuthRequest(action, _parameter_arn(where, params.get("Name", "")))]
    if operation in ("GetParameters", "DeleteParameters"):
        return [AuthRequest(action, _parameter_arn(where, name)) for name in params.get("Names") or []]
    if operation == "GetParametersByPath":
        return [AuthRequest(action, _parameter_arn(where, params.get("Path", "").rstrip("/") or "/"))]
    if operation == "SendCommand":
        document = params.get("DocumentName", "")
        owner = "" if document.startswith("AWS-") else None
        checks = [AuthRequest(action, document if document.startswith("arn:") else
                              where.arn("ssm", f"document/{document}", owner))]
        for instance in params.get("InstanceIds") or []:
            tags = lookups.ec2_tags(instance)
            checks.append(AuthRequest(action, _ec2_arn(where, "instance", instance), _resource_tags(tags, "ssm")))
        if params.get("Targets"):
            checks.append(AuthRequest(action, _ec2_arn(where, "instance", "*")))
        return checks
    if operation in ("GetCommandInvocation", "ListCommandInvocations", "ListCommands",
                     "DescribeInstanceInformation", "CancelCommand", "DescribeParameters"):
        return [AuthRequest(action, "*")]
    return None


# --- S3, DynamoDB, Step Functions, EventBridge, SNS, SQS, Secrets Manager, Lambda, STS ----------------

_S3_ACTIONS = {
    "HeadObject": "GetObject",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
}
_S3_BUCKET_OPERATIONS = {"ListBucket", "ListBucketVersions", "GetBucketLocation", "GetBucketVersioning"}


def _s3(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    bucket = params.get("Bucket")
    if not bucket:
        return None
    action = _S3_ACTIONS.get(operation, operation)
    if action == "GetObject" and params.get("VersionId"):
        action = "GetObjectVersion"
    if action in _S3_BUCKET_OPERATIONS or "Key" not in params:
        return [AuthRequest(f"s3:{action}", f"arn:aws:s3:::{bucket}")]
    checks = [AuthRequest(f"s3:{action}", f"arn:aws:s3:::{bucket}/{params['Key']}")]
    if operation == "CopyObject":
        source = params.get("CopySource")
        source = source if isinstance(source, str) else f"{source.get('Bucket')}/{source.get('Key')}"
        checks.append(AuthRequest("s3:GetObject", f"arn:aws:s3:::{source.split('?')[0].lstrip('/')}"))
        checks[0] = AuthRequest("s3:PutObject", checks[0].resource)
    return checks


def _table_arn(where: _Where, table: str) -> str:
    return table if table.startswith("arn:") else where.arn("dynamodb", f"table/{table}")


_TRANSACT_ACTIONS = {"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}


def _dynamodb(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"dynamodb:{operation}"
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [AuthRequest(action, _table_arn(where, table)) for table in params.get("RequestItems") or {}]
    if operation in ("TransactGetItems", "TransactWriteItems"):
        checks = []
        for item in params.get("TransactItems") or []:
            for kind, body in item.items():
                checks.append(AuthRequest(f"dynamodb:{_TRANSACT_ACTIONS[kind]}", _table_arn(where, body["TableName"])))
        return checks
    if "TableName" in params:
        arn = _table_arn(where, params["TableName"])
        if params.get("IndexName"):
            arn += f"/index/{params['IndexName']}"
        return [AuthRequest(action, arn)]
    if operation.startswith("List") or operation.startswith("Describe"):
        return [AuthRequest(action, "*")]
    return None


def _states(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"states:{operation}"
    for key in ("stateMachineArn", "executionArn", "mapRunArn", "activityArn"):
        if params.get(key):
            # a Step Functions test case (<arn>#<case>) is the local cloud's; AWS sees the state machine
            return [AuthRequest(action, params[key].split("#", 1)[0])]
    if operation in ("SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat") or operation.startswith("List"):
        return [AuthRequest(action, "*")]
    return None


def _bus_arn(where: _Where, bus: str | None) -> str:
    bus = bus or "default"
    return bus if bus.startswith("arn:") else where.arn("events", f"event-bus/{bus}")


def _events(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"events:{operation}"
    if operation == "PutEvents":
        return [AuthRequest(action, _bus_arn(where, entry.get("EventBusName")),
                            {"events:source": entry.get("Source", ""), "events:detail-type": entry.get("DetailType", "")})
                for entry in params.get("Entries") or []]
    if operation in ("PutRule", "PutTargets", "DescribeRule", "RemoveTargets", "DeleteRule", "EnableRule",
                     "DisableRule", "ListTargetsByRule"):
        bus = params.get("EventBusName")
        rule = params.get("Name") or params.get("Rule")
        name = rule if not bus or bus == "default" else f"{bus.split('/')[-1]}/{rule}"
        return [AuthRequest(action, where.arn("events", f"rule/{name}"))]
    return None


def _sns(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    topic = params.get("TopicArn") or params.get("TargetArn")
    return [AuthRequest(f"sns:{operation}", topic)] if topic else None


def _sqs(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    url = params.get("QueueUrl")
    if not url:
        return None
    parts = urlparse(url).path.strip("/").split("/")
    return [AuthRequest(f"sqs:{operation.removesuffix('Batch')}", where.arn("sqs", parts[-1], parts[-2]))]


def _secretsmanager(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    secret = params.get("SecretId")
    return [AuthRequest(f"secretsmanager:{operation}", lookups.secret_arn(secret))] if secret else None


def _function_arn(where: _Where, name: str, qualifier: str | None) -> str:
    if name.startswith("arn:"):
        arn = name
    else:
        parts = name.split(":")
        if len(parts) >= 3 and parts[1] == "function":  # 123456789012:function:name[:qualifier]
            arn = where.arn("lambda", ":".join(parts[1:]), parts[0])
        else:
            arn = where.arn("lambda", f"function:{name}")
    if qualifier and arn.count(":") == 6:
        arn += f":{qualifier}"
    return arn


def _lambda(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    name = params.get("FunctionName")
    if not name:
        return None
    action = "lambda:InvokeFunction" if operation in ("Invoke", "InvokeAsync") else f"lambda:{operation}"
    return [AuthRequest(action, _function_arn(where, name, params.get("Qualifier")))]


def _sts(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    if operation == "GetCallerIdentity":
        return []  # AWS answers it whatever the policies say
    if operation == "AssumeRole":
        return [AuthRequest("sts:AssumeRole", params.get("RoleArn", "*"))]
    return None


def _cloudwatch(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    if operation == "PutMetricData":
        return [AuthRequest("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": params.get("Namespace", "")})]
    return None


# Auto Scaling actions on one group (autoscaling:ResourceTag/* are the group's tags); the Describe*
# actions support no resource and are checked on "*"
_ON_GROUP = {"CompleteLifecycleAction", "RecordLifecycleActionHeartbeat", "StartInstanceRefresh",
             "CancelInstanceRefresh", "RollbackInstanceRefresh", "SetDesiredCapacity", "UpdateAutoScalingGroup",
             "DeleteAutoScalingGroup", "PutLifecycleHook", "DeleteLifecycleHook", "SuspendProcesses",
             "ResumeProcesses", "PutWarmPool", "DeleteWarmPool", "SetInstanceProtection", "AttachInstances",
             "DetachInstances", "AttachLoadBalancerTargetGroups", "DetachLoadBalancerTargetGroups",
             "AttachTrafficSources", "DetachTrafficSources"}


# the resource types a launch template's TagSpecifications may tag at launch (moto also keeps the template's own)
_LAUNCHED_KINDS = ("instance", "volume", "network-interface", "spot-instances-request")


def _autoscaling(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"autoscaling:{operation}"
    if operation.startswith("Describe"):
        return [AuthRequest(action, "*")]
    name = params.get("AutoScalingGroupName", "")
    if operation in _ON_GROUP:
        found = lookups.auto_scaling_group(name)
        if found is None:  # AWS answers for a group that does not exist; IAM sees the name alone
            checks = [AuthRequest(action, where.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}"))]
        else:
            arn, tags = found
            checks = [AuthRequest(action, arn, _resource_tags(tags, "autoscaling"))]
        if operation == "StartInstanceRefresh":
            desired = params.get("DesiredConfiguration") or {}
            checks += _launch_template_use(_template_of(desired), name, params, where, lookups)
        elif operation == "UpdateAutoScalingGroup":
            checks += _launch_template_use(_template_of(params), name, params, where, lookups)
        return checks
    if operation == "CreateAutoScalingGroup":
        checks = [AuthRequest(action, where.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}"),
                              _request_tags(params.get("Tags")))]
        return checks + _launch_template_use(_template_of(params), name, params, where, lookups)
    return None


def _template_of(config: dict) -> dict | None:
    """The launch template a group (or a refresh's desired configuration) names, directly or in its mixed
    instances policy."""
    mixed = ((config.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    return config.get("LaunchTemplate") or mixed


def _launch_template_use(template: dict | None, group: str, params: dict, where: _Where,
                         lookups: Lookups) -> list[AuthRequest]:
    """Using a launch template in a group is checked as the RunInstances it would make: on the template and
    everything its version names, in the group's subnets, with CreateTags for what it tags and PassRole for
    its instance profile."""
    if not template:
        return []
    template_id = template.get("LaunchTemplateId") or lookups.launch_template_id(template.get("LaunchTemplateName", ""))
    if not template_id:
        return []
    data = lookups.launch_template_data(template_id, template.get("Version")) or {}
    subnets = [s for s in (params.get("VPCZoneIdentifier") or "").split(",") if s] \
        or lookups.auto_scaling_group_subnets(group)
    launch = {"LaunchTemplate": {"LaunchTemplateId": template_id},
              "TagSpecifications": [spec for spec in data.get("TagSpecifications") or []
                                    if spec.get("ResourceType") in _LAUNCHED_KINDS],
              "NetworkInterfaces": [{"SubnetId": subnet} for subnet in subnets]}
    for key in ("ImageId", "SecurityGroupIds", "KeyName", "IamInstanceProfile", "InstanceMarketOptions"):
        if data.get(key):
            launch[key] = data[key]
    return _ec2("RunInstances", launch, where, lookups)


# Elastic Load Balancing: the Describe* actions support no resource; the others act on the listener, rule or
# target group they name (a rule made with Tags is also AddTags on the new rule, which the local cloud does not
# check: the rule's ARN does not exist yet)
_ON_ARN = {"ModifyListener": "ListenerArn", "DeleteListener": "ListenerArn", "CreateRule": "ListenerArn",
           "ModifyRule": "RuleArn", "DeleteRule": "RuleArn", "RegisterTargets": "TargetGroupArn",
           "DeregisterTargets": "TargetGroupArn", "ModifyTargetGroup": "TargetGroupArn",
           "ModifyTargetGroupAttributes": "TargetGroupArn", "DeleteTargetGroup": "TargetGroupArn"}


def _elbv2(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    action = f"elasticloadbalancing:{operation}"
    if operation.startswith("Describe"):
        return [AuthRequest(action, "*")]
    if operation in _ON_ARN and params.get(_ON_ARN[operation]):
        context = _request_tags(params.get("Tags")) if operation == "CreateRule" else {}
        return [AuthRequest(action, params[_ON_ARN[operation]], context)]
    if operation == "SetRulePriorities":
        return [AuthRequest(action, rule.get("RuleArn", "*")) for rule in params.get("RulePriorities") or []]
    if operation in ("AddTags", "RemoveTags"):
        return [AuthRequest(action, arn, _request_tags(params.get("Tags"))) for arn in params.get("ResourceArns") or []]
    return None


# --- KMS ----------------------------------------------------------------------------------------------


def _kms(operation: str, params: dict, where: _Where, lookups: Lookups) -> list[AuthRequest] | None:
    """Calls on a key are checked on the key's ARN, also when the call names it by an alias (IAM authorizes the
    key an alias points to); an alias that points nowhere is checked on the alias."""
    if operation in ("DescribeKey", "CreateGrant", "ListGrants", "RevokeGrant"):
        key = params.get("KeyId", "")
        if key.startswith("arn:") and ":key/" in key:
            arn = key
        elif key.startswith("arn:") or key.startswith("alias/"):
            alias = key if key.startswith("arn:") else where.arn("kms", key)
            arn = lookups.kms_key_arn(alias) or alias
        else:
            arn = where.arn("kms", f"key/{key}")
        return [AuthRequest(f"kms:{operation}", arn)]
    return None


_MAPPERS = {
    "kms": _kms,
    "ec2": _ec2,
    "ssm": _ssm,
    "s3": _s3,
    "dynamodb": _dynamodb,
    "stepfunctions": _states,
    "events": _events,
    "sns": _sns,
    "sqs": _sqs,
    "secretsmanager": _secretsmanager,
    "lambda": _lambda,
    "sts": _sts,
    "cloudwatch": _cloudwatch,
    "autoscaling": _autoscaling,
    "elbv2": _elbv2,
}
