"""Elastic Load Balancing (v2) for the local cloud: moto's load balancers, with target health that the
instances decide, as AWS's health checks would find it.

LocalStack community has no ELBv2. moto's (which LocalStack ships) keeps load balancers, target groups,
listeners and rules (host, path, source-ip conditions; forward actions to weighted target groups) with
AWS's validation, but answers every registered instance "healthy" from the moment it is registered.
This module serves the `elbv2` API from moto's backend (provider `elbv2:default`; add `elbv2` to
SERVICES) with target health as AWS reports it (Elastic Load Balancing, Application Load Balancers
User Guide: "Health checks for Application Load Balancer target groups", "Deregistration delay"):

- A registered instance is `initial` (Elb.InitialHealthChecking) until its health check could have
  passed HealthyThresholdCount times, HealthCheckIntervalSeconds apart; then `healthy` while its web
  server answers, `unhealthy` (Target.FailedHealthChecks) while it does not. An instance's web server
  answers as its sandbox's curl to 127.0.0.1 does: while a unit other than the SSM agent is active and
  the instance has no health-fails fault (any path, any port: the check's path and matcher are not
  looked at). Each DescribeTargetHealth checks once, so a server that stops answering is unhealthy at
  the next ask (AWS waits for UnhealthyThresholdCount failed checks).
- A stopped instance is `unused` (Target.InvalidState); so is every target of a target group that no
  load balancer's listener or rule sends to (Target.NotInUse); with health checks disabled a target is
  `unavailable` (Target.HealthCheckDisabled).
- A deregistered (or terminated) instance is `draining` (Target.DeregistrationInProgress) for the
  target group's deregistration_delay.timeout_seconds, listed with the registered ones meanwhile; then
  it is gone (asked for by id: `unused`, Target.NotRegistered).

Auto Scaling registers and deregisters a group's instances as AWS does (autoscaling.py). Times pass on
clock.py's clock. No load balancer serves requests: there is no data plane (docs/local-cloud.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from localstack.services.plugins import Service, aws_provider

from kiln_local_cloud import clock
from kiln_local_cloud.instances import Sandbox, enabled, faults, instance_tags

LOG = logging.getLogger(__name__)

INITIAL = ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
HEALTHY = ("healthy", None, None)
UNHEALTHY = ("unhealthy", "Target.FailedHealthChecks", "Health checks failed")
DRAINING = ("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")
NOT_REGISTERED = ("unused", "Target.NotRegistered", "Target is not registered to the target group")
NOT_IN_USE = ("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer")
STOPPED = ("unused", "Target.InvalidState", "Target is in the stopped state")
DISABLED = ("unavailable", "Target.HealthCheckDisabled", "Health checks are disabled")


@dataclass(frozen=True)
class Target:
    """What decides one target's health, on the monotonic clock."""

    registered_at: float | None
    deregistered_at: float | None
    in_use: bool
    checks_enabled: bool
    interval: float
    healthy_threshold: int
    deregistration_delay: float
    instance_state: str
    serving: bool


def health(target: Target, now: float) -> tuple[str, str | None, str | None]:
    """The target's (State, Reason, Description), as DescribeTargetHealth answers."""
    if target.deregistered_at is not None:
        return DRAINING if now < target.deregistered_at + clock.real_seconds(target.deregistration_delay) else NOT_REGISTERED
    if target.registered_at is None:
        return NOT_REGISTERED
    if target.instance_state == "stopped":
        return STOPPED
    if not target.in_use:
        return NOT_IN_USE
    if not target.checks_enabled:
        return DISABLED
    if now < target.registered_at + clock.real_seconds(target.interval * target.healthy_threshold):
        return INITIAL
    return HEALTHY if target.serving else UNHEALTHY


def serves(instance) -> bool:
    """Whether the instance's web server answers, as its sandbox's curl to 127.0.0.1 finds it."""
    if not enabled():
        return True  # moto's records only: nothing decides, so they pass as moto has them pass
    return "health-fails" not in faults(instance_tags(instance)) and Sandbox(instance.id).serving()


def _times(group, name: str) -> dict[str, float]:
    if not hasattr(group, name):
        setattr(group, name, {})
    return getattr(group, name)


def registered(target_group) -> dict[str, float]:
    """When each target was last registered."""
    return _times(target_group, "kiln_registered_at")


def deregistered(target_group) -> dict[str, float]:
    """When each target that is no longer registered was deregistered (or its instance terminated)."""
    return _times(target_group, "kiln_deregistered_at")


def deregistration_delay(target_group) -> float:
    return float(target_group.attributes.get("deregistration_delay.timeout_seconds", 300))


def patch_moto() -> None:
    """Times registrations and deregistrations, and answers target health as health(...) works it out."""
    from moto.elbv2.exceptions import TargetGroupNotFoundError
    from moto.elbv2.models import ELBv2Backend, FakeHealthStatus, FakeTargetGroup

    register, deregister = FakeTargetGroup.register, FakeTargetGroup.deregister
    terminated = FakeTargetGroup.deregister_terminated_instances

    def register_timed(target_group, targets):
        register(target_group, targets)
        for target in targets:
            registered(target_group)[target["Id"]] = time.monotonic()
            deregistered(target_group).pop(target["Id"], None)

    def deregister_timed(target_group, targets):
        deregister(target_group, targets)
        for target in targets:
            deregistered(target_group)[target["Id"]] = time.monotonic()

    def terminated_timed(target_group, instance_ids):
        gone = [i for i in instance_ids if i in target_group.targets]
        terminated(target_group, instance_ids)
        for instance_id in gone:
            deregistered(target_group)[instance_id] = time.monotonic()

    def health_for(target_group, target, ec2_backend):
        target_id = target["Id"]
        instance = ec2_backend.get_instance_by_id(target_id) if target_id.startswith("i-") else None
        known = target_group.targets.get(target_id)
        state, reason, description = health(Target(
            registered_at=registered(target_group).get(target_id, 0.0) if known else None,
            deregistered_at=None if known else deregistered(target_group).get(target_id),
            in_use=bool(target_group.load_balancer_arns),
            checks_enabled=target_group.health_check_enabled,
            interval=float(target_group.health_check_interval_seconds),
            healthy_threshold=int(target_group.healthy_threshold_count),
            deregistration_delay=deregistration_delay(target_group),
            instance_state=instance.state if instance is not None else "running",
            serving=serves(instance) if instance is not None else True), time.monotonic())
        port = (known or target).get("Port", target_group.port)
        return FakeHealthStatus(target_id, port, target_group.health_check_port, state, reason, description)

    def describe_target_health(backend, target_group_arn, targets):
        # without Targets, AWS lists the draining targets beside the registered ones
        target_group = backend.target_groups.get(target_group_arn)
        if target_group is None:
            raise TargetGroupNotFoundError()
        if not targets:
            draining = [{"Id": i, "Port": t.get("Port", target_group.port)}
                        for i, t in {**target_group.deregistered_targets, **target_group.terminated_targets}.items()
                        if health_for(target_group, {"Id": i}, backend.ec2_backend).status == "draining"]
            targets = list(target_group.targets.values()) + draining
        return [health_for(target_group, target, backend.ec2_backend) for target in targets]

    FakeTargetGroup.register = register_timed
    FakeTargetGroup.deregister = deregister_timed
    FakeTargetGroup.deregister_terminated_instances = terminated_timed
    FakeTargetGroup.health_for = health_for
    ELBv2Backend.describe_target_health = describe_target_health


class Elbv2Provider:
    service = "elbv2"

    def __init__(self):
        patch_moto()


def _dispatch_table(provider: Elbv2Provider):
    """moto answers every operation of the API (its target health patched above)."""
    from localstack.aws.spec import load_service
    from localstack.services.moto import _proxy_moto

    return {operation: _proxy_moto for operation in load_service("elbv2").operation_names}


@aws_provider(api="elbv2")
def elbv2():
    return Service.for_provider(Elbv2Provider(), dispatch_table_factory=_dispatch_table)
