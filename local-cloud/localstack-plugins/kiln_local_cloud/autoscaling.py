"""Auto Scaling for the local cloud: groups whose instances go through lifecycle hooks as on AWS.

LocalStack community has no Auto Scaling. moto's (which LocalStack ships) keeps groups, launch
templates and hooks, and launches its instances in LocalStack's EC2, but every instance is InService
at once and hooks are only stored. This module serves the `autoscaling` API from moto's backend and
adds what AWS does around the hooks (Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling
lifecycle hooks"):

- A launching instance with launch hooks waits in Pending:Wait; each hook sends its
  "EC2 Instance-launch Lifecycle Action" event to EventBridge. When every hook is completed with
  CONTINUE the instance goes InService ("EC2 Instance Launch Successful"); one ABANDON terminates it
  ("EC2 Instance Launch Unsuccessful") and the group launches another to keep its desired capacity.
- A launch that EC2 refuses (no capacity) is a failed launch activity, "EC2 Instance Launch
  Unsuccessful" with StatusCode Failed and EC2's message; the request that asked for capacity still
  succeeds, as on AWS. The local cloud does not retry it by itself: the group's next change of
  capacity (or an instance refresh's next batch) does.
- SuspendProcesses Launch stops the group launching (scale-out, replacing an abandoned or refused
  launch, filling its warm pool); Terminate stops scale-in. Desired capacity may still be set; when
  ResumeProcesses resumes them the group launches or lets go of instances to reach it, as AWS does.
  TerminateInstanceInAutoScalingGroup still terminates the instance it names.
- A leaving instance (scale-in, TerminateInstanceInAutoScalingGroup) with terminate hooks waits in
  Terminating:Wait; whatever the result, it is then terminated ("EC2 Instance Terminate Successful").
  It no longer counts toward the desired capacity while it waits, so a replacement starts meanwhile.
- CompleteLifecycleAction by token or by instance id; RecordLifecycleActionHeartbeat restarts the
  heartbeat timeout; a hook that times out applies its DefaultResult; no wait outlasts the global
  timeout (48 hours or 100 heartbeat timeouts, whichever is smaller). A token or instance with no
  active action is refused with AWS's ValidationError.

- Warm pools (User Guide, "Warm pools for Amazon EC2 Auto Scaling"): PutWarmPool keeps
  max(MinSize, MaxGroupPreparedCapacity (or MaxSize) - DesiredCapacity) instances prepared outside
  the group. A new pool instance goes through the launch hooks (Warmed:Pending:Wait, the event's
  Origin EC2, Destination WarmPool), then is stopped (Warmed:Stopped; Warmed:Running or
  Warmed:Hibernated as PoolState says). A scale-out takes pool instances first: started, through the
  launch hooks again (Pending:Wait, Origin WarmPool, Destination AutoScalingGroup), then InService;
  the pool is then refilled. Every lifecycle action of a group with a warm pool carries Origin and
  Destination, as AWS's do. With InstanceReusePolicy ReuseOnScaleIn, scale-in returns instances to the
  pool instead: through the terminate hooks (Warmed:Pending:Wait, Origin AutoScalingGroup, Destination
  WarmPool), then stopped (or left running) as the pool's state says; other leaving instances are
  terminated.

- Target groups (TargetGroupARNs, AttachLoadBalancerTargetGroups): an instance is registered with
  the group's target groups when its launch hooks are done, before it is InService (a warm pool's
  instances, when they join the group); a leaving instance is deregistered first and, while the
  longest deregistration delay of its target groups passes, is Terminating (Warmed:Pending on its way
  back to the pool) before its terminate hooks start, as AWS waits for connection draining.
  Their health is load_balancers.py's.

The clock that times hooks out is clock.py's (KILN_LOCAL_CLOCK_SPEED). Events go to the account's
default bus through LocalStack's own EventBridge, one at a time in the order they happen.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from kiln_local_cloud import clock
from kiln_local_cloud.load_balancers import deregistration_delay

LOG = logging.getLogger(__name__)

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
RESULTS = ("CONTINUE", "ABANDON")
POOL_STATES = ("Stopped", "Running", "Hibernated")
WARMED = tuple(f"Warmed:{state}" for state in POOL_STATES)  # a pool instance ready to join the group
MAX_GLOBAL_TIMEOUT = 172800


class AutoScalingError(Exception):
    """An error AWS answers with: its code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def validation(message: str) -> AutoScalingError:
    return AutoScalingError("ValidationError", message)


@dataclass
class Action:
    """One hook's lifecycle action on one instance."""

    account: str
    region: str
    group: str
    hook: str
    instance_id: str
    transition: str
    token: str
    heartbeat_timeout: int
    default_result: str
    deadline: float
    global_deadline: float
    result: str | None = None
    destination: str = "AutoScalingGroup"


@dataclass
class Draining:
    """An instance leaving a group, deregistered from its target groups, waiting for their deregistration delay."""

    deadline: float
    group: object
    state: object
    into_pool: bool


@dataclass
class Event:
    account: str
    region: str
    detail_type: str
    resources: list[str]
    detail: dict


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Lifecycle:
    """The lifecycle actions of every group, and what completing one does to its instance."""

    backend_of: Callable[[str, str], object]
    emit: Callable[[Event], None]
    actions: dict[str, Action] = field(default_factory=dict)
    draining: list[Draining] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- hooks --------------------------------------------------------------------------------

    def put_hook(self, account, region, group_name, hook_name, transition, heartbeat_timeout, default_result, metadata,
                 target_arn=None, role_arn=None):
        backend = self.backend_of(account, region)
        if group_name not in backend.autoscaling_groups:
            raise validation(f"AutoScalingGroup name not found - {group_name}")
        if transition not in (LAUNCHING, TERMINATING):
            raise validation(f"Invalid Lifecycle Transition: {transition}")
        if default_result is not None and default_result not in RESULTS:
            raise validation(f"Invalid value for DefaultResult: {default_result}")
        if heartbeat_timeout is not None and not 30 <= int(heartbeat_timeout) <= 7200:
            raise validation("Heartbeat timeout must be between 30 and 7200 seconds")
        with self.lock:
            backend.create_lifecycle_hook(hook_name, group_name, transition,
                                          int(heartbeat_timeout) if heartbeat_timeout else None, default_result)
            hook = backend.lifecycle_hooks[f"{group_name}_{hook_name}"]
            hook.global_timeout = min(MAX_GLOBAL_TIMEOUT, 100 * hook.heartbeat_timeout)
            hook.notification_metadata = metadata
            hook.notification_target_arn, hook.role_arn = target_arn, role_arn

    def _hooks(self, group, transition):
        backend = group.autoscaling_backend
        return [h for h in backend.lifecycle_hooks.values()
                if h.auto_scaling_group_name == group.name and h.lifecycle_transition == transition]

    # --- instances entering and leaving --------------------------------------------------------

    def launched(self, group, states, origin="EC2") -> None:
        """Instances entering a group (new, or from its warm pool): each waits for the launch hooks, or
        goes into service."""
        with self.lock:
            hooks = self._hooks(group, LAUNCHING)
            for state in states:
                if hooks:
                    state.lifecycle_state = "Pending:Wait"
                    for hook in hooks:
                        self._start(group, hook, state.instance.id, LAUNCHING, origin)
                else:
                    self._in_service(group, state)

    def launch_failed(self, group, message: str) -> None:
        """EC2 refused to launch the group's instance: a failed launch activity, kept on the group for its
        instance refresh (launch_failure) until the next launch."""
        group.kiln_launch_failure = message
        self._activity(group, None, "EC2 Instance Launch Unsuccessful", "Failed", message)

    def leave(self, group, state, into_pool=False) -> None:
        """An instance the group lets go: it waits for the terminate hooks, then is terminated (or returns to
        the warm pool, on a scale-in of a pool that reuses instances)."""
        with self.lock:
            if state.lifecycle_state.startswith("Terminating"):
                return
            if into_pool:  # the pool's from now on; warmed once its terminate hooks are done
                group.instance_states = [s for s in group.instance_states if s is not state]
                pooled(group).append(state)
            delay = self._deregister(group, state)
            if delay > 0:  # AWS's WaitingForELBConnectionDraining: the terminate hooks wait for the delay
                state.lifecycle_state = "Warmed:Pending" if into_pool else "Terminating"
                self.draining.append(Draining(clock.deadline(delay), group, state, into_pool))
            else:
                self._let_go(group, state, into_pool)

    def drain(self, now: float | None = None) -> None:
        """Lets go of the instances whose target groups' deregistration delay has passed."""
        now = time.monotonic() if now is None else now
        with self.lock:
            drained = [d for d in self.draining if now >= d.deadline]
            self.draining = [d for d in self.draining if now < d.deadline]
            for d in drained:
                if d.group.name in d.group.autoscaling_backend.autoscaling_groups:
                    self._let_go(d.group, d.state, d.into_pool)
                else:  # force-deleted meanwhile: its instances went without their hooks
                    d.group.autoscaling_backend.ec2_backend.terminate_instances([d.state.instance.id])

    def _let_go(self, group, state, into_pool) -> None:
        """The terminate hooks, then the end: terminated, or warmed in the pool."""
        hooks = self._hooks(group, TERMINATING)
        if hooks:
            state.lifecycle_state = "Warmed:Pending:Wait" if into_pool else "Terminating:Wait"
            for hook in hooks:
                self._start(group, hook, state.instance.id, TERMINATING, "AutoScalingGroup",
                            "WarmPool" if into_pool else "EC2")
        elif into_pool:
            self._warm(group, state)
        else:
            self._terminate(group, state, "EC2 Instance Terminate Successful")

    # --- target groups (Elastic Load Balancing) -----------------------------------------------

    def _in_service(self, group, state) -> None:
        """InService, registered with the group's target groups first (AWS registers an instance before it
        reaches InService, once its launch hooks are done)."""
        self.register(group, state)
        state.lifecycle_state = "InService"
        self._activity(group, state.instance, "EC2 Instance Launch Successful")

    @staticmethod
    def register(group, state) -> None:
        """Registers the instance with each of the group's target groups that does not have it yet."""
        for arn in group.target_group_arns or ():
            backend = group.autoscaling_backend.elbv2_backend
            target_group = backend.target_groups.get(arn)
            if target_group is not None and state.instance.id not in target_group.targets:
                try:
                    backend.register_targets(arn, [{"Id": state.instance.id, "Port": target_group.port}])
                except Exception as refused:  # e.g. stopped meanwhile: AWS's group would retry; ours says so
                    LOG.warning("kiln: could not register %s with %s: %s", state.instance.id, arn, refused)

    @staticmethod
    def _deregister(group, state) -> float:
        """Deregisters the instance from the group's target groups; the longest of their deregistration delays."""
        delay = 0.0
        for arn in group.target_group_arns or ():
            backend = group.autoscaling_backend.elbv2_backend
            target_group = backend.target_groups.get(arn)
            if target_group is not None and state.instance.id in target_group.targets:
                backend.deregister_targets(arn, [{"Id": state.instance.id}])
                delay = max(delay, deregistration_delay(target_group))
        return delay

    def _start(self, group, hook, instance_id, transition, origin, destination="AutoScalingGroup") -> None:
        account, region = group.account_id, group.region
        action = Action(account, region, group.name, hook.name, instance_id, transition, str(uuid.uuid4()),
                        hook.heartbeat_timeout, hook.default_result, clock.deadline(hook.heartbeat_timeout),
                        clock.deadline(getattr(hook, "global_timeout", min(MAX_GLOBAL_TIMEOUT, 100 * hook.heartbeat_timeout))),
                        destination=destination)
        self.actions[action.token] = action
        detail = {
            "LifecycleActionToken": action.token,
            "AutoScalingGroupName": group.name,
            "LifecycleHookName": hook.name,
            "EC2InstanceId": instance_id,
            "LifecycleTransition": transition,
        }
        metadata = getattr(hook, "notification_metadata", None)
        if metadata is not None:
            detail["NotificationMetadata"] = metadata
        if warm_pool(group) is not None:
            detail["Origin"], detail["Destination"] = origin, destination
        kind = "launch" if transition == LAUNCHING else "terminate"
        self.emit(Event(account, region, f"EC2 Instance-{kind} Lifecycle Action", [group.arn], detail))

    # --- completing ---------------------------------------------------------------------------

    def _active(self, account, region, group_name, hook_name, token=None, instance_id=None) -> Action:
        if not token and not instance_id:
            raise validation("Either LifecycleActionToken or InstanceId must be specified")
        backend = self.backend_of(account, region)
        if group_name not in backend.autoscaling_groups:
            raise validation(f"AutoScalingGroup name not found - {group_name}")
        if f"{group_name}_{hook_name}" not in backend.lifecycle_hooks:
            raise validation(f"No Lifecycle Hook found with name {hook_name} for group {group_name}")
        for action in self.actions.values():
            if (action.result is None and action.account == account and action.region == region
                    and action.group == group_name and action.hook == hook_name
                    and (action.token == token if token else action.instance_id == instance_id)):
                return action
        if token:
            raise validation(f"No active Lifecycle Action found with token {token}")
        raise validation(f"No active Lifecycle Action found with instance ID {instance_id}")

    def complete(self, account, region, group_name, hook_name, result, token=None, instance_id=None) -> None:
        if result not in RESULTS:
            raise validation(f"Invalid value for LifecycleActionResult: {result}")
        with self.lock:
            self._finish(self._active(account, region, group_name, hook_name, token, instance_id), result)

    def heartbeat(self, account, region, group_name, hook_name, token=None, instance_id=None) -> None:
        with self.lock:
            action = self._active(account, region, group_name, hook_name, token, instance_id)
            action.deadline = min(clock.deadline(action.heartbeat_timeout), action.global_deadline)

    def expire(self, now: float | None = None) -> None:
        """Applies the default result of every action whose timeout has passed."""
        now = time.monotonic() if now is None else now
        with self.lock:
            for action in [a for a in self.actions.values() if a.result is None]:
                if now >= min(action.deadline, action.global_deadline):
                    LOG.info("kiln: lifecycle hook %s timed out on %s: %s", action.hook, action.instance_id,
                             action.default_result)
                    self._finish(action, action.default_result)

    def _finish(self, action: Action, result: str) -> None:
        action.result = result
        group = self.backend_of(action.account, action.region).autoscaling_groups.get(action.group)
        if group is None:
            return
        pending = [a for a in self.actions.values() if a.result is None and a.instance_id == action.instance_id]
        if action.destination == "WarmPool" and action.transition == TERMINATING:  # scaled in, back to the pool
            state = next((s for s in pooled(group) if s.instance.id == action.instance_id), None)
            if state is not None and not pending:
                self._warm(group, state)
            return
        if action.destination == "WarmPool":
            state = next((s for s in pooled(group) if s.instance.id == action.instance_id), None)
            if state is None:
                return
            if result == "ABANDON":
                for other in pending:
                    other.result = "ABANDON"
                pooled(group).remove(state)
                group.autoscaling_backend.ec2_backend.terminate_instances([state.instance.id])
                self.fill_pool(group)
            elif not pending:
                self._warm(group, state)
            return
        state = next((s for s in group.instance_states if s.instance.id == action.instance_id), None)
        if state is None:
            return
        if action.transition == TERMINATING:
            if not pending:
                self._terminate(group, state, "EC2 Instance Terminate Successful")
        elif result == "ABANDON":
            for other in pending:
                other.result = "ABANDON"
            self._terminate(group, state, "EC2 Instance Launch Unsuccessful", status="Cancelled",
                            message=f"Instance failed to complete user's Lifecycle Action: Lifecycle Action with token "
                                    f"{action.token} was abandoned: Lifecycle Action Completed with ABANDON Result")
            group.set_desired_capacity(group.desired_capacity)
        elif not pending:
            self._in_service(group, state)

    def _terminate(self, group, state, detail_type, status="InProgress", message="") -> None:
        instance = state.instance
        group.instance_states = [s for s in group.instance_states if s is not state]
        group.autoscaling_backend.ec2_backend.terminate_instances([instance.id])
        self._activity(group, instance, detail_type, status, message)

    def _activity(self, group, instance, detail_type, status="InProgress", message="") -> None:
        """The activity's event; without an instance, a launch EC2 refused (its message says why)."""
        launching = "Launch" in detail_type
        start = _now()
        if instance is None:
            instance_id, zone, subnet, resources = "", "", "", [group.arn]
            description = f"Launching a new EC2 instance.  Status Reason: {message}"
        else:
            instance_id, zone, subnet = instance.id, instance.availability_zone, instance.subnet_id or ""
            resources = [group.arn, f"arn:aws:ec2:{group.region}:{group.account_id}:instance/{instance.id}"]
            description = f"{'Launching a new' if launching else 'Terminating'} EC2 instance: {instance.id}"
        detail = {
            "StatusCode": status,
            "Description": description,
            "AutoScalingGroupName": group.name,
            "ActivityId": str(uuid.uuid4()),
            "Details": {"Availability Zone": zone, "Subnet ID": subnet},
            "RequestId": str(uuid.uuid4()),
            "StatusMessage": message,
            "EndTime": start,
            "EC2InstanceId": instance_id,
            "StartTime": start,
            "Cause": f"At {start} an instance was {'started' if launching else 'taken out of service'} "
                     f"in response to a difference between desired and actual capacity.",
        }
        self.emit(Event(group.account_id, group.region, detail_type, resources, detail))

    # --- capacity -----------------------------------------------------------------------------

    def set_capacity(self, group, desired) -> list:
        """Launches or lets go of instances until the group's counted instances are its desired capacity.

        Instances waiting to leave do not count. Scale-in lets go of instances that are not protected,
        those not on the group's launch template first, then the oldest (AWS's default termination
        policy, without the Availability Zone balancing; an instance is on the
        template when it runs the template's image)."""
        with self.lock:
            group.desired_capacity = group.min_size if desired is None else desired
            counted = [s for s in group.instance_states if s.lifecycle_state in ("Pending", "Pending:Wait", "InService")]
            missing = (group.desired_capacity or 0) - len(counted)
            leaving = []
            if missing > 0 and not suspended(group, "Launch"):
                missing -= self._from_pool(group, missing)
                if missing > 0:
                    group.replace_autoscaling_group_instances(missing, group.get_propagated_tags())
            elif missing < 0 and not suspended(group, "Terminate"):
                leaving = sorted((s for s in counted if not s.protected_from_scale_in),
                                 key=lambda s: (self._on_template(group, s), s.instance.launch_time))[:-missing]
                for state in leaving:
                    self.leave(group, state, into_pool=reuses(group))
            self.fill_pool(group)
            return leaving

    # --- warm pools ---------------------------------------------------------------------------

    def put_warm_pool(self, group, max_prepared=None, min_size=None, pool_state=None, reuse_policy=None) -> None:
        if pool_state is not None and pool_state not in POOL_STATES:
            raise validation(f"Invalid value for PoolState: {pool_state}")
        if min_size is not None and int(min_size) < 0 or max_prepared is not None and int(max_prepared) < -1:
            raise validation("MinSize and MaxGroupPreparedCapacity must not be negative")
        with self.lock:
            group.put_warm_pool(max_group_prepared_capacity=None if max_prepared is None else int(max_prepared),
                                min_size=None if min_size is None else int(min_size), pool_state=pool_state,
                                instance_reuse_policy=reuse_policy)
            self.fill_pool(group)

    def delete_warm_pool(self, group) -> None:
        """The pool and its instances go (their lifecycle actions too)."""
        with self.lock:
            if warm_pool(group) is None:
                raise validation(f"No warm pool found for Auto Scaling group {group.name}")
            ids = [s.instance.id for s in pooled(group)]
            for action in self.actions.values():
                if action.result is None and action.instance_id in ids:
                    action.result = "ABANDON"
            if ids:
                group.autoscaling_backend.ec2_backend.terminate_instances(ids)
            group.warm_pool, group.kiln_pooled = None, []

    def fill_pool(self, group) -> None:
        """Launches instances into the group's warm pool until it holds what AWS sizes it to."""
        pool = warm_pool(group)
        if pool is None or suspended(group, "Launch"):
            return
        prepared = pool.max_group_prepared_capacity
        prepared = group.max_size if prepared is None or prepared == -1 else prepared
        missing = max(pool.min_size, prepared - (group.desired_capacity or 0)) - len(pooled(group))
        if missing <= 0:
            return
        before = set(map(id, group.instance_states))
        group.launch_without_hooks(missing, group.get_propagated_tags())
        new = [s for s in group.instance_states if id(s) not in before]
        group.instance_states = [s for s in group.instance_states if id(s) in before]
        hooks = self._hooks(group, LAUNCHING)
        for state in new:
            pooled(group).append(state)
            if hooks:
                state.lifecycle_state = "Warmed:Pending:Wait"
                for hook in hooks:
                    self._start(group, hook, state.instance.id, LAUNCHING, "EC2", "WarmPool")
            else:
                self._warm(group, state)

    def _warm(self, group, state) -> None:
        pool_state = warm_pool(group).pool_state
        state.lifecycle_state = f"Warmed:{pool_state}"
        if pool_state != "Running":
            group.autoscaling_backend.ec2_backend.stop_instances([state.instance.id])

    def _from_pool(self, group, wanted: int) -> int:
        """Moves up to `wanted` prepared pool instances into the group, started; how many it moved."""
        ready = [s for s in pooled(group) if s.lifecycle_state in WARMED][:wanted]
        for state in ready:
            pooled(group).remove(state)
            if state.instance.state != "running":
                group.autoscaling_backend.ec2_backend.start_instances([state.instance.id])
            state.lifecycle_state = "Pending"
            group.instance_states.append(state)
        if ready:
            self.launched(group, ready, origin="WarmPool")
        return len(ready)

    @staticmethod
    def _on_template(group, state) -> bool:
        """Whether the instance runs the group's current image (its launch template's, today)."""
        try:
            return state.instance.image_id == group.image_id
        except Exception:
            return True


def suspended(group, process: str) -> bool:
    """Whether SuspendProcesses suspended this process of the group (Launch, Terminate, ...)."""
    return process in {p["ProcessName"] for p in group.suspended_processes}


def launch_failure(group) -> str | None:
    """EC2's refusal of the group's last launch, if it was refused."""
    return getattr(group, "kiln_launch_failure", None)


def reuses(group) -> bool:
    """Whether the group's warm pool takes scaled-in instances back (InstanceReusePolicy ReuseOnScaleIn)."""
    policy = getattr(warm_pool(group), "instance_reuse_policy", None) or {}
    return str(policy.get("ReuseOnScaleIn", "")).lower() == "true"


def warm_pool(group):
    """The group's warm pool configuration (moto's FakeWarmPool, as PutWarmPool set it), or None."""
    return getattr(group, "warm_pool", None)


def pooled(group) -> list:
    """The instances in the group's warm pool (moto's InstanceState, not in the group's instances)."""
    if not hasattr(group, "kiln_pooled"):
        group.kiln_pooled = []
    return group.kiln_pooled


class Emitter:
    """Puts events on each account's default bus, in order, from one thread."""

    def __init__(self, put: Callable[[Event], None]):
        self.put = put
        self.events: queue.Queue[Event] = queue.Queue()
        threading.Thread(target=self._run, name="kiln-autoscaling-events", daemon=True).start()

    def __call__(self, event: Event) -> None:
        self.events.put(event)

    def _run(self) -> None:
        while True:
            event = self.events.get()
            try:
                self.put(event)
            except Exception:  # the emulator never brings the local cloud down
                LOG.exception("kiln: could not put the Auto Scaling event %s", event.detail_type)


def put_on_default_bus(event: Event) -> None:
    from localstack.aws.connect import connect_to

    events = connect_to(aws_access_key_id=event.account, region_name=event.region).events
    events.put_events(Entries=[{"Source": "aws.autoscaling", "DetailType": event.detail_type,
                                "Resources": event.resources, "Detail": json.dumps(event.detail)}])


def tick(*moves: Callable[[], None], every: float = 0.2) -> None:
    """The clock: times hooks out and moves instance refreshes on (each a move, called every tick)."""

    def run():
        while True:
            time.sleep(every)
            for move in moves:
                try:
                    move()
                except Exception:
                    LOG.exception("kiln: the Auto Scaling clock failed a tick")

    threading.Thread(target=run, name="kiln-autoscaling-clock", daemon=True).start()
