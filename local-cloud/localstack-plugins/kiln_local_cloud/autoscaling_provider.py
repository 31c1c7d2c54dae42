"""Serves the `autoscaling` API in LocalStack: moto's backend, with autoscaling.py's lifecycle.

Registered as the provider `autoscaling:default` (entry point group localstack.aws.provider); add
`autoscaling` to SERVICES. The operations below are ours; every other one goes to moto as it is.
moto's group model is patched so that launching, scale-in and TerminateInstanceInAutoScalingGroup go
through the lifecycle (Pending:Wait, Terminating:Wait) instead of finishing at once (and wait while
SuspendProcesses holds Launch or Terminate, catching up on ResumeProcesses; a suspension is described
with AWS's reason, "User suspended at <time>"), and so that a
group launches the launch template version it names (moto's would launch and tag the template's
default version); a launch EC2 refuses is the group's "EC2 Instance Launch Unsuccessful".

Faults, for tests: a group's tag local-cloud:fault (or a line "<tag>=<value><TAB><faults>" of the file
KILN_LOCAL_FAULTS names, for groups with that tag) may name API faults "<Operation>:<Code>[*<n>][+<k>]":
a request of that operation naming the group (AutoScalingGroupName, or in AutoScalingGroupNames) is
answered with AWS's error of that code, n times (or always) once the first k such requests were
served. Throttling answers "Rate exceeded" as Auto Scaling does when a caller exceeds its request
rate; InstanceRefreshInProgress is what StartInstanceRefresh answers when another refresh started
meanwhile (a race a test cannot time).
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
import logging
import re
import threading
from collections import Counter
from contextlib import contextmanager

from localstack.aws.api import CommonServiceException, RequestContext, handler
from localstack.services.plugins import Service, aws_provider

from kiln_local_cloud.autoscaling import (AutoScalingError, Emitter, Lifecycle, pooled, put_on_default_bus, tick,
                                          validation, warm_pool)
from kiln_local_cloud.instance_refresh import InstanceRefreshes
from kiln_local_cloud.instances import faults

LOG = logging.getLogger(__name__)

_lifecycle: Lifecycle | None = None
_refreshes: InstanceRefreshes | None = None


def lifecycle() -> Lifecycle:
    global _lifecycle, _refreshes
    if _lifecycle is None:
        from moto.autoscaling.models import autoscaling_backends

        _lifecycle = Lifecycle(lambda account, region: autoscaling_backends[account][region],
                               Emitter(put_on_default_bus))
        _refreshes = InstanceRefreshes(_lifecycle, alarms_in_alarm)
        patch_moto(_lifecycle)
        tick(_lifecycle.expire, _lifecycle.drain, _refreshes.advance)
    return _lifecycle


def alarms_in_alarm(account: str, region: str, names: list[str]) -> list[str]:
    """Which of these CloudWatch alarms are in the ALARM state (an instance refresh's AlarmSpecification)."""
    from localstack.aws.connect import connect_to

    cloudwatch = connect_to(aws_access_key_id=account, region_name=region).cloudwatch
    alarms = cloudwatch.describe_alarms(AlarmNames=names).get("MetricAlarms", [])
    return [a["AlarmName"] for a in alarms if a.get("StateValue") == "ALARM"]


def patch_moto(cycle: Lifecycle) -> None:
    """Makes moto's groups launch and let go of instances through the lifecycle."""
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, TerminateInstanceActivity

    from moto.ec2.models.instances import InstanceBackend

    replace = FakeAutoScalingGroup.replace_autoscaling_group_instances
    template_from_args = InstanceBackend._get_template_from_args
    launching = threading.local()

    def replace_through_hooks(group, count_needed, propagated_tags):
        from moto.ec2.exceptions import EC2ClientError

        before = set(map(id, group.instance_states))
        group.kiln_launch_failure = None
        template = group.ec2_launch_template
        launching.version = template.get_version(group.launch_template_version) if template else None
        try:
            replace(group, count_needed, propagated_tags)
        except EC2ClientError as refused:
            cycle.launch_failed(group, f"{refused.error_type}: {refused.message}")
        finally:
            launching.version = None
        cycle.launched(group, [s for s in group.instance_states if id(s) not in before])

    def group_template_version(backend, arg):
        # moto's group names its template without a version, so EC2 would launch (and tag) the template's default
        # version; the group's launches use the version the group names, as on AWS
        version = getattr(launching, "version", None)
        named = arg.get("LaunchTemplateId", version.template.id) if version is not None else None
        if version is not None and "Version" not in arg and named == version.template.id:
            return version
        return template_from_args(backend, arg)

    def set_desired_capacity(group, new_capacity):
        cycle.set_capacity(group, new_capacity)
        if group.name in group.autoscaling_backend.autoscaling_groups:
            group.autoscaling_backend.update_attached_elbs(group.name)
            group.autoscaling_backend.update_attached_target_groups(group.name)

    def terminate_instance(backend, instance_id, should_decrement):
        for group in backend.autoscaling_groups.values():
            state = next((s for s in group.instance_states if s.instance.id == instance_id), None)
            if state is not None:
                break
        else:
            raise ValidationError(f"Instance Id not found - No managed instance found for instance ID: {instance_id}")
        with cycle.lock:
            original = group.desired_capacity
            if should_decrement:
                if group.desired_capacity - 1 < group.min_size:
                    raise ValidationError(f"Currently, desiredCapacity is {group.desired_capacity} and minSize is "
                                     f"{group.min_size}. Terminating instance without replacement will violate "
                                     f"group's min size constraint. Either set shouldDecrementDesiredCapacity "
                                     f"flag to false or lower group's min size.")
                group.desired_capacity -= 1
            cycle.leave(group, state)
            cycle.set_capacity(group, group.desired_capacity)
        return TerminateInstanceActivity(state.instance, original)

    resume = AutoScalingBackend.resume_processes

    def resume_processes(backend, group_name, scaling_processes):
        group = backend.autoscaling_groups.get(group_name)
        if group is None:
            raise ValidationError(f"AutoScalingGroup name not found - {group_name}")
        resume(backend, group_name, scaling_processes)
        cycle.set_capacity(group, group.desired_capacity)

    def suspended(group):
        # as AWS describes a suspension: when and by whom ("User suspended at 2026-12-06T03:00:00Z")
        since = getattr(group, "kiln_suspended_at", {})
        return [{"ProcessName": process, "SuspensionReason": f"User suspended at {since[process]}" if process in since else ""}
                for process in group._suspended_processes]

    def suspend(group, processes):
        since = {p: t for p, t in getattr(group, "kiln_suspended_at", {}).items() if p in processes}
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        group.kiln_suspended_at = {p: since.get(p, now) for p in processes}
        group._suspended_processes = processes

    def update_attached_target_groups(backend, group_name):
        # moto registers every instance of the group, Pending:Wait too; AWS only those past their launch hooks
        group = backend.autoscaling_groups[group_name]
        with cycle.lock:
            for state in group.instance_states:
                if state.lifecycle_state == "InService":
                    cycle.register(group, state)

    AutoScalingBackend.update_attached_target_groups = update_attached_target_groups
    InstanceBackend._get_template_from_args = group_template_version
    FakeAutoScalingGroup.suspended_processes = property(suspended, suspend)
    AutoScalingBackend.resume_processes = resume_processes
    FakeAutoScalingGroup.launch_without_hooks = replace
    FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_through_hooks
    FakeAutoScalingGroup.set_desired_capacity = set_desired_capacity
    AutoScalingBackend.terminate_instance = terminate_instance


def tag_page(tags: list[dict], max_records: int | None, token: str | None) -> dict:
    """DescribeTags' answer as AWS pages it (moto answers every tag at once): MaxRecords (50 unless asked, at
    most 100) tags in the order of their group and key, and a NextToken while more remain."""
    size = int(max_records or 50)
    if not 1 <= size <= 100:
        raise validation(f"1 validation error detected: Value '{size}' at 'maxRecords' failed to satisfy"
                         " constraint: Member must have value less than or equal to 100")
    start = 0
    if token:
        try:
            kind, _, offset = base64.b64decode(token, validate=True).decode().partition(":")
            start = int(offset) if kind == "tags" else -1
        except (ValueError, UnicodeDecodeError):
            start = -1
        if start < 0:
            raise AutoScalingError("InvalidNextToken", "The token is invalid.")
    ordered = sorted(tags, key=lambda t: (t["ResourceId"], t["Key"]))
    page = {"Tags": ordered[start:start + size]}
    if start + size < len(ordered):
        page["NextToken"] = base64.b64encode(f"tags:{start + size}".encode()).decode()
    return page


@contextmanager
def _answered_as_aws():
    """An AutoScalingError becomes the error AWS answers with."""
    try:
        yield
    except AutoScalingError as error:
        raise CommonServiceException(error.code, error.message, status_code=400, sender_fault=True) from None


class AutoScalingProvider:
    service = "autoscaling"

    def __init__(self):
        self.cycle = lifecycle()
        self.refreshes = _refreshes

    @handler("PutLifecycleHook", expand=False)
    def put_lifecycle_hook(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            self.cycle.put_hook(context.account_id, context.region, request.get("AutoScalingGroupName"),
                                request.get("LifecycleHookName"), request.get("LifecycleTransition"),
                                request.get("HeartbeatTimeout"), request.get("DefaultResult"),
                                request.get("NotificationMetadata"), request.get("NotificationTargetARN"),
                                request.get("RoleARN"))
        return {}

    @handler("CreateAutoScalingGroup", expand=False)
    def create_auto_scaling_group(self, context: RequestContext, request: dict):
        """Hooks named in LifecycleHookSpecificationList apply to the group's first instances."""
        from localstack.services.moto import call_moto_with_request

        hooks = request.pop("LifecycleHookSpecificationList", None) or []
        if not hooks:
            return call_moto_with_request(context, request)
        empty = {**request, "MinSize": 0, "DesiredCapacity": 0}
        call_moto_with_request(context, empty)
        group = self.cycle.backend_of(context.account_id, context.region).autoscaling_groups[request["AutoScalingGroupName"]]
        try:
            with _answered_as_aws():
                for hook in hooks:
                    self.cycle.put_hook(context.account_id, context.region, group.name, hook.get("LifecycleHookName"),
                                        hook.get("LifecycleTransition"), hook.get("HeartbeatTimeout"),
                                        hook.get("DefaultResult"), hook.get("NotificationMetadata"),
                                        hook.get("NotificationTargetARN"), hook.get("RoleARN"))
        except CommonServiceException:
            self.cycle.backend_of(context.account_id, context.region).autoscaling_groups.pop(group.name, None)
            raise
        group.min_size = request["MinSize"]
        group.set_desired_capacity(request.get("DesiredCapacity"))
        return {}

    @handler("DeleteAutoScalingGroup", expand=False)
    def delete_auto_scaling_group(self, context: RequestContext, request: dict):
        """Refused while the group has instances, unless ForceDelete: then they go without their hooks."""
        name = request.get("AutoScalingGroupName")
        backend = self.cycle.backend_of(context.account_id, context.region)
        group = self._group(context, name)
        with self.cycle.lock:
            if (group.instance_states or pooled(group)) and not request.get("ForceDelete"):
                raise CommonServiceException(
                    "ResourceInUse", "You cannot delete an AutoScalingGroup while there are instances or pending "
                                     "Spot instance request(s) still in the group.", status_code=400, sender_fault=True)
            ids = [s.instance.id for s in group.instance_states + pooled(group)]
            if ids:
                backend.ec2_backend.terminate_instances(ids)
            for action in self.cycle.actions.values():
                if action.group == name and action.result is None:
                    action.result = "ABANDON"
            for key in [k for k, hook in backend.lifecycle_hooks.items() if hook.auto_scaling_group_name == name]:
                backend.lifecycle_hooks.pop(key)
            backend.autoscaling_groups.pop(name, None)
        return {}

    def _group(self, context: RequestContext, name: str | None):
        group = self.cycle.backend_of(context.account_id, context.region).autoscaling_groups.get(name)
        if group is None:
            with _answered_as_aws():
                raise validation(f"AutoScalingGroup name not found - {name}")
        return group

    @handler("DescribeTags", expand=False)
    def describe_tags(self, context: RequestContext, request: dict):
        backend = self.cycle.backend_of(context.account_id, context.region)
        with _answered_as_aws():
            return tag_page(backend.describe_tags(filters=request.get("Filters") or []), request.get("MaxRecords"),
                            request.get("NextToken"))

    @handler("PutWarmPool", expand=False)
    def put_warm_pool(self, context: RequestContext, request: dict):
        group = self._group(context, request.get("AutoScalingGroupName"))
        with _answered_as_aws():
            self.cycle.put_warm_pool(group, request.get("MaxGroupPreparedCapacity"), request.get("MinSize"),
                                     request.get("PoolState"), request.get("InstanceReusePolicy"))
        return {}

    @handler("DescribeWarmPool", expand=False)
    def describe_warm_pool(self, context: RequestContext, request: dict):
        group = self._group(context, request.get("AutoScalingGroupName"))
        pool = warm_pool(group)
        if pool is None:
            return {"Instances": []}
        configuration = {"MinSize": pool.min_size, "PoolState": pool.pool_state}
        if pool.max_group_prepared_capacity is not None:
            configuration["MaxGroupPreparedCapacity"] = pool.max_group_prepared_capacity
        if pool.instance_reuse_policy:
            configuration["InstanceReusePolicy"] = pool.instance_reuse_policy
        instances = [{"InstanceId": s.instance.id, "InstanceType": s.instance.instance_type,
                      "AvailabilityZone": s.instance.availability_zone, "LifecycleState": s.lifecycle_state,
                      "HealthStatus": "Healthy", **({"LaunchTemplate": group.launch_template} if group.launch_template else {})}
                     for s in pooled(group)]
        return {"WarmPoolConfiguration": configuration, "Instances": instances}

    @handler("DeleteWarmPool", expand=False)
    def delete_warm_pool(self, context: RequestContext, request: dict):
        group = self._group(context, request.get("AutoScalingGroupName"))
        with _answered_as_aws():
            self.cycle.delete_warm_pool(group)
        return {}

    @handler("CompleteLifecycleAction", expand=False)
    def complete_lifecycle_action(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            self.cycle.complete(context.account_id, context.region, request.get("AutoScalingGroupName"),
                                request.get("LifecycleHookName"), request.get("LifecycleActionResult"),
                                request.get("LifecycleActionToken"), request.get("InstanceId"))
        return {}

    @handler("RecordLifecycleActionHeartbeat", expand=False)
    def record_lifecycle_action_heartbeat(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            self.cycle.heartbeat(context.account_id, context.region, request.get("AutoScalingGroupName"),
                                 request.get("LifecycleHookName"), request.get("LifecycleActionToken"),
                                 request.get("InstanceId"))
        return {}

    @handler("StartInstanceRefresh", expand=False)
    def start_instance_refresh(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            return {"InstanceRefreshId": self.refreshes.start(
                context.account_id, context.region, request.get("AutoScalingGroupName"), request.get("Strategy"),
                request.get("DesiredConfiguration"), request.get("Preferences"))}

    @handler("DescribeInstanceRefreshes", expand=False)
    def describe_instance_refreshes(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            return {"InstanceRefreshes": self.refreshes.describe(
                context.account_id, context.region, request.get("AutoScalingGroupName"),
                request.get("InstanceRefreshIds"), request.get("MaxRecords"))}

    @handler("CancelInstanceRefresh", expand=False)
    def cancel_instance_refresh(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            return {"InstanceRefreshId": self.refreshes.cancel(context.account_id, context.region,
                                                               request.get("AutoScalingGroupName"))}

    @handler("RollbackInstanceRefresh", expand=False)
    def rollback_instance_refresh(self, context: RequestContext, request: dict):
        with _answered_as_aws():
            return {"InstanceRefreshId": self.refreshes.rollback(context.account_id, context.region,
                                                                 request.get("AutoScalingGroupName"))}


API_FAULT = re.compile(r"(?P<operation>\w+):(?P<code>\w+)(?:\*(?P<times>\d+))?(?:\+(?P<after>\d+))?")
FAULT_MESSAGES = {
    "Throttling": "Rate exceeded",
    "ResourceContention": "You already have a pending update to an Auto Scaling resource (for example, a group,"
                          " instance, or load balancer).",
    "InvalidNextToken": "The token is invalid.",
    "InstanceRefreshInProgress": "An Instance Refresh is already in progress and blocks the execution of this"
                                 " Instance Refresh.",
}


class ApiFaults:
    """The API faults of groups' local-cloud:fault tags and rules, and how often each one's operation was asked."""

    def __init__(self, cycle: Lifecycle):
        self.cycle = cycle
        self.calls: Counter = Counter()
        self.lock = threading.Lock()

    def check(self, context: RequestContext, operation: str, request: dict) -> None:
        names = request.get("AutoScalingGroupNames") or [request.get("AutoScalingGroupName")]
        groups = self.cycle.backend_of(context.account_id, context.region).autoscaling_groups
        for name in filter(None, names):
            group = groups.get(name)
            if group is None:
                continue
            for fault in sorted(faults({t["Key"]: t.get("Value", "") for t in group.tags})):
                asked = API_FAULT.fullmatch(fault)
                if asked is None or asked["operation"] != operation:
                    continue
                code, times, after = asked["code"], asked["times"], int(asked["after"] or 0)
                key = (context.account_id, context.region, name, fault)
                with self.lock:
                    self.calls[key] += 1
                    call = self.calls[key]
                if call <= after or (times and call > after + int(times)):
                    continue
                raise CommonServiceException(code, FAULT_MESSAGES.get(code, f"The local cloud answers {code} for"
                                                                            f" {name}, as its fault asks."),
                                             status_code=400, sender_fault=True)


def _dispatch_table(provider: AutoScalingProvider):
    """Our operations, and moto for every other operation of the API; each first answers the group's faults."""
    from localstack.aws.skeleton import create_dispatch_table
    from localstack.aws.spec import load_service
    from localstack.services.moto import _proxy_moto

    api_faults = ApiFaults(provider.cycle)
    table = create_dispatch_table(provider)
    for operation in load_service("autoscaling").operation_names:
        serve = table.get(operation, _proxy_moto)

        def with_faults(context, request, operation=operation, serve=serve):
            api_faults.check(context, operation, request)
            return serve(context, request)

        table[operation] = with_faults
    return table


@aws_provider(api="autoscaling")
def autoscaling():
    return Service.for_provider(AutoScalingProvider(), dispatch_table_factory=_dispatch_table)
