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
- A leaving instance (scale-in, TerminateInstanceInAutoScalingGroup) with terminate hooks waits in
  Terminating:Wait; whatever the result, it is then terminated ("EC2 Instance Terminate Successful").
  It no longer counts toward the desired capacity while it waits, so a replacement starts meanwhile.
- CompleteLifecycleAction by token or by instance id; RecordLifecycleActionHeartbeat restarts the
  heartbeat timeout; a hook that times out applies its DefaultResult; no wait outlasts the global
  timeout (48 hours or 100 heartbeat timeouts, whichever is smaller). A token or instance with no
  active action is refused with AWS's ValidationError.

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

LOG = logging.getLogger(__name__)

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
RESULTS = ("CONTINUE", "ABANDON")
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

    def launched(self, group, states) -> None:
        """New instances of a group: each waits for the launch hooks, or goes into service."""
        with self.lock:
            hooks = self._hooks(group, LAUNCHING)
            for state in states:
                if hooks:
                    state.lifecycle_state = "Pending:Wait"
                    for hook in hooks:
                        self._start(group, hook, state.instance.id, LAUNCHING)
                else:
                    state.lifecycle_state = "InService"
                    self._activity(group, state.instance, "EC2 Instance Launch Successful")

    def leave(self, group, state) -> None:
        """An instance the group lets go: it waits for the terminate hooks, or is terminated."""
        with self.lock:
            if state.lifecycle_state.startswith("Terminating"):
                return
            hooks = self._hooks(group, TERMINATING)
            if hooks:
                state.lifecycle_state = "Terminating:Wait"
                for hook in hooks:
                    self._start(group, hook, state.instance.id, TERMINATING)
            else:
                self._terminate(group, state, "EC2 Instance Terminate Successful")

    def _start(self, group, hook, instance_id, transition) -> None:
        account, region = group.account_id, group.region
        action = Action(account, region, group.name, hook.name, instance_id, transition, str(uuid.uuid4()),
                        hook.heartbeat_timeout, hook.default_result, clock.deadline(hook.heartbeat_timeout),
                        clock.deadline(getattr(hook, "global_timeout", min(MAX_GLOBAL_TIMEOUT, 100 * hook.heartbeat_timeout))))
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
        state = next((s for s in group.instance_states if s.instance.id == action.instance_id), None) if group else None
        if state is None:
            return
        pending = [a for a in self.actions.values() if a.result is None and a.instance_id == action.instance_id]
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
            state.lifecycle_state = "InService"
            self._activity(group, state.instance, "EC2 Instance Launch Successful")

    def _terminate(self, group, state, detail_type, status="InProgress", message="") -> None:
        instance = state.instance
        group.instance_states = [s for s in group.instance_states if s is not state]
        group.autoscaling_backend.ec2_backend.terminate_instances([instance.id])
        self._activity(group, instance, detail_type, status, message)

    def _activity(self, group, instance, detail_type, status="InProgress", message="") -> None:
        launching = "Launch" in detail_type
        start = _now()
        detail = {
            "StatusCode": status,
            "Description": f"{'Launching a new' if launching else 'Terminating'} EC2 instance: {instance.id}",
            "AutoScalingGroupName": group.name,
            "ActivityId": str(uuid.uuid4()),
            "Details": {"Availability Zone": instance.placement, "Subnet ID": instance.subnet_id or ""},
            "RequestId": str(uuid.uuid4()),
            "StatusMessage": message,
            "EndTime": start,
            "EC2InstanceId": instance.id,
            "StartTime": start,
            "Cause": f"At {start} an instance was {'started' if launching else 'taken out of service'} "
                     f"in response to a difference between desired and actual capacity.",
        }
        instance_arn = f"arn:aws:ec2:{group.region}:{group.account_id}:instance/{instance.id}"
        self.emit(Event(group.account_id, group.region, detail_type, [group.arn, instance_arn], detail))

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
            if missing > 0:
                group.replace_autoscaling_group_instances(missing, group.get_propagated_tags())
                return []
            leaving = sorted((s for s in counted if not s.protected_from_scale_in),
                             key=lambda s: (self._on_template(group, s), s.instance.launch_time))[:-missing]
            for state in leaving:
                self.leave(group, state)
            return leaving

    @staticmethod
    def _on_template(group, state) -> bool:
        """Whether the instance runs the group's current image (its launch template's, today)."""
        try:
            return state.instance.image_id == group.image_id
        except Exception:
            return True


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


def tick(lifecycle: Lifecycle, every: float = 0.2) -> None:
    """The clock: times hooks out."""

    def run():
        while True:
            time.sleep(every)
            try:
                lifecycle.expire()
            except Exception:
                LOG.exception("kiln: the Auto Scaling clock failed a tick")

    threading.Thread(target=run, name="kiln-autoscaling-clock", daemon=True).start()
