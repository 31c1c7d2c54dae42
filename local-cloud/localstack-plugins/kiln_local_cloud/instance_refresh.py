"""Instance refresh for the local cloud's Auto Scaling (autoscaling.py), as AWS documents it.

Amazon EC2 Auto Scaling User Guide, "Use an instance refresh to update instances in an Auto Scaling
group", "Add checkpoints to an instance refresh", "Undo changes with a manual or auto rollback", and
the API reference of StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh and
RollbackInstanceRefresh:

- StartInstanceRefresh (Strategy Rolling) replaces the group's instances in batches: as many at a
  time as MinHealthyPercentage of the desired capacity allows to be out of service (at least one).
  With MaxHealthyPercentage above 100 it launches a batch first, up to that share of the desired
  capacity, and lets old instances go once the new ones are ready; at 100 it lets a batch go first,
  then launches its replacements. Instances leave and arrive through the group's lifecycle hooks (so
  drain and launch run for each), and a new instance is ready InstanceWarmup seconds after it went
  InService. SkipMatching leaves instances that already run the desired image. DesiredConfiguration
  (a launch template and version) is what new instances are launched from; the group's own
  configuration becomes it when the refresh succeeds.
- CheckpointPercentages pause the refresh for CheckpointDelay (default 3600 s) when that share of the
  instances is new, with an "EC2 Auto Scaling Instance Refresh Checkpoint Reached" event (none for
  100); a last checkpoint below 100 ends the refresh there.
- A replacement that fails to launch (EC2 refuses it, or its launch hook abandons it) or an alarm of
  AlarmSpecification in ALARM fails the refresh; with AutoRollback it rolls back instead: the new
  instances are replaced from the group's own configuration, and the group is brought back to its
  desired capacity from it (RollbackInProgress, then RollbackSuccessful; RollbackFailed when that
  fails too). RollbackInstanceRefresh does the same on request; CancelInstanceRefresh lets
  the batch under way finish and stops (Cancelling, Cancelled).
- While the group's Launch, Terminate or InstanceRefresh process is suspended, the refresh replaces no
  instance (it stays InProgress and goes on once the process is resumed).
- One refresh at a time per group (InstanceRefreshInProgress otherwise); the events Started,
  Succeeded, Failed and Cancelled go to the default bus as the fixtures show them.

Waits (warm-up, checkpoint delay) pass on clock.py's clock. Not emulated: the ReplaceRootVolume
strategy, bake time, standby and scale-in protected instance preferences (treated as Ignore), warm
pool instances, and Availability Zone balancing; the status reasons are worded from AWS's
documentation, not from published samples.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from kiln_local_cloud import clock
from kiln_local_cloud.autoscaling import AutoScalingError, Event, Lifecycle, launch_failure, suspended, validation

LOG = logging.getLogger(__name__)

ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress")
SERVING = ("Pending", "Pending:Wait", "Pending:Proceed", "InService")
DEFAULTS = {"MinHealthyPercentage": 90, "SkipMatching": False, "AutoRollback": False,
            "ScaleInProtectedInstances": "Ignore", "StandbyInstances": "Ignore"}
ALARM_CHECK_SECONDS = 5.0
# "How suspended processes affect other processes": with any of these suspended, an instance refresh
# replaces no instance
BLOCKING = ("Launch", "Terminate", "InstanceRefresh")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class LaunchRefused(Exception):
    """EC2 refused to launch a replacement: the refresh fails (or rolls back)."""


@dataclass
class Refresh:
    id: str
    account: str
    region: str
    group: str
    strategy: str
    preferences: dict
    desired: dict | None
    targets: list[str]
    start_time: datetime = field(default_factory=_now)
    status: str = "Pending"
    reason: str | None = None
    end_time: datetime | None = None
    leaving: list[str] = field(default_factory=list)  # old instances of the batch under way
    to_leave: list[str] = field(default_factory=list)  # old instances to let go once the batch's new ones are ready
    arriving: dict[str, float | None] = field(default_factory=dict)  # new instances of the batch: ready at (monotonic)
    launched: list[str] = field(default_factory=list)  # every instance this refresh launched, rollback's targets
    checkpoints: list[int] = field(default_factory=list)  # those still ahead
    paused_until: float | None = None
    rollback: dict | None = None
    alarms_checked: float = 0.0

    @property
    def total(self) -> int:
        return len(self.targets)

    def describe(self, remaining: int, rollback_remaining: int = 0) -> dict:
        total = self.total
        done = 100 if total == 0 else math.floor(100 * (total - remaining) / total)
        answer = {"InstanceRefreshId": self.id, "AutoScalingGroupName": self.group, "Status": self.status,
                  "StartTime": self.start_time, "PercentageComplete": done, "InstancesToUpdate": remaining,
                  "ProgressDetails": {"LivePoolProgress": {"PercentageComplete": done, "InstancesToUpdate": remaining}},
                  "Preferences": self.preferences, "Strategy": self.strategy}
        if self.reason:
            answer["StatusReason"] = self.reason
        if self.end_time:
            answer["EndTime"] = self.end_time
        if self.desired is not None:
            answer["DesiredConfiguration"] = self.desired
        if self.rollback is not None:
            launched = len(self.launched) or 1
            answer["RollbackDetails"] = {**self.rollback, "InstancesToUpdateOnRollback": rollback_remaining,
                                         "PercentageCompleteOnRollback": math.floor(100 * (launched - rollback_remaining) / launched)}
        return answer


class InstanceRefreshes:
    """Every group's instance refreshes, moved on by the Auto Scaling clock (advance)."""

    def __init__(self, cycle: Lifecycle, alarms_in_alarm: Callable[[str, str, list[str]], list[str]]):
        self.cycle = cycle
        self.alarms_in_alarm = alarms_in_alarm
        self.refreshes: list[Refresh] = []

    # --- the API ------------------------------------------------------------------------------

    def start(self, account, region, group_name, strategy=None, desired=None, preferences=None) -> str:
        group = self._group(account, region, group_name)
        strategy = strategy or "Rolling"
        if strategy != "Rolling":
            raise validation(f"The local cloud refreshes instances with the Rolling strategy only, not {strategy}")
        prefs = {**DEFAULTS, **(preferences or {})}
        self._validate(prefs, desired)
        with self.cycle.lock:
            if self._active(account, region, group_name):
                raise AutoScalingError("InstanceRefreshInProgress", "An Instance Refresh is already in progress and"
                                                                    " blocks the execution of this Instance Refresh.")
            if desired is not None:
                self._template_version(group, desired)  # refused now if the template or version does not exist
            image = self._image(group, desired)
            serving = sorted((s for s in group.instance_states if s.lifecycle_state in SERVING),
                             key=lambda s: s.instance.launch_time)
            targets = [s.instance.id for s in serving
                       if not (prefs["SkipMatching"] and s.instance.image_id == image)]
            refresh = Refresh(str(uuid.uuid4()), account, region, group_name, strategy, prefs, desired, targets,
                              checkpoints=list(prefs.get("CheckpointPercentages") or []))
            self.refreshes.append(refresh)
            refresh.status = "InProgress"
            self._emit(refresh, group, "EC2 Auto Scaling Instance Refresh Started")
            self.advance()
            return refresh.id

    def describe(self, account, region, group_name, ids=None, max_records=None) -> list[dict]:
        group = self._group(account, region, group_name)
        with self.cycle.lock:
            found = [r for r in reversed(self.refreshes)
                     if (r.account, r.region, r.group) == (account, region, group_name) and (not ids or r.id in ids)]
            answers = [r.describe(*self._remaining(r, group)) for r in found]
        return answers[:int(max_records)] if max_records else answers

    def cancel(self, account, region, group_name) -> str:
        self._group(account, region, group_name)
        with self.cycle.lock:
            refresh = self._active(account, region, group_name)
            if refresh is None or refresh.status == "Cancelling":
                raise self._none_active(group_name)
            refresh.status, refresh.reason = "Cancelling", "Cancelling the instance refresh, as asked"
            self.advance()
            return refresh.id

    def rollback(self, account, region, group_name) -> str:
        group = self._group(account, region, group_name)
        with self.cycle.lock:
            refresh = self._active(account, region, group_name)
            if refresh is None or refresh.status not in ("Pending", "InProgress"):
                raise self._none_active(group_name)
            why = self._irreversible(refresh, group)
            if why:
                raise AutoScalingError("IrreversibleInstanceRefresh", why)
            self._roll_back(refresh, group, "RollbackInstanceRefresh was called")
            self.advance()
            return refresh.id

    # --- the clock ----------------------------------------------------------------------------

    def advance(self, now: float | None = None) -> None:
        """Moves every active refresh on: batches that finished, checkpoints, the next batch, the end."""
        now = time.monotonic() if now is None else now
        with self.cycle.lock:
            for refresh in [r for r in self.refreshes if r.status in ACTIVE]:
                group = self.cycle.backend_of(refresh.account, refresh.region).autoscaling_groups.get(refresh.group)
                if group is None:
                    refresh.status, refresh.reason, refresh.end_time = "Cancelled", "The Auto Scaling group was deleted", _now()
                    continue
                try:
                    self._advance(refresh, group, now)
                except LaunchRefused as refused:
                    self._failed(refresh, group, str(refused))
                except Exception as error:  # the emulator never brings the local cloud down
                    LOG.exception("kiln: instance refresh %s failed", refresh.id)
                    self._end(refresh, group, "Failed", f"The local cloud failed the instance refresh: {error}")

    def _advance(self, refresh: Refresh, group, now: float) -> None:
        states = {s.instance.id: s for s in group.instance_states}
        warmup = clock.real_seconds(float(refresh.preferences.get("InstanceWarmup") or
                                          getattr(group, "health_check_period", 0) or 0))
        lost = [i for i, ready_at in refresh.arriving.items() if ready_at is None and i not in states]
        if lost:
            for instance_id in lost:
                del refresh.arriving[instance_id]
            self._failed(refresh, group, f"The instance {', '.join(lost)} failed to launch: its lifecycle action was"
                                         " abandoned or it was terminated before it went InService.")
            return
        for instance_id, ready_at in list(refresh.arriving.items()):
            if ready_at is None and states[instance_id].lifecycle_state == "InService":
                refresh.arriving[instance_id] = now + warmup
        if refresh.status == "InProgress" and self._alarming(refresh, now):
            return
        if self._under_way(refresh, states, now):
            return
        refresh.leaving, refresh.arriving = [], {}
        if refresh.to_leave:  # a launch-first batch: its new instances are ready, the old ones go now
            refresh.leaving, refresh.to_leave = [i for i in refresh.to_leave if i in states], []
            for instance_id in refresh.leaving:
                self.cycle.leave(group, states[instance_id])
            return
        if refresh.status == "Cancelling":
            self._end(refresh, group, "Cancelled", "The instance refresh was cancelled.")
            return
        if refresh.paused_until is not None:
            if now < refresh.paused_until:
                return
            refresh.paused_until = None
        rolling_back = refresh.status == "RollbackInProgress"
        targets = refresh.launched if rolling_back else refresh.targets
        remaining = [i for i in targets if i in states and states[i].lifecycle_state in SERVING]
        if not rolling_back and self._checkpoint(refresh, group, len(targets) - len(remaining), now):
            return
        if not remaining:
            if rolling_back:
                short = (group.desired_capacity or 0) - len([s for s in states.values() if s.lifecycle_state in SERVING])
                if short > 0:  # what the refresh let go of and could not replace comes back from the group's own configuration
                    refresh.arriving = {i: None for i in self._launch(group, short, None)}
                    return
                self._end(refresh, group, "RollbackSuccessful",
                          f"The instance refresh was rolled back: {refresh.rollback['RollbackReason']}")
            else:
                if refresh.desired is not None:
                    self._apply(group, refresh.desired)
                self._end(refresh, group, "Successful", None)
            return
        held = next((p for p in BLOCKING if suspended(group, p)), None)
        if held:  # AWS: with these suspended, "InstanceRefresh does not replace instances"
            refresh.reason = f"The {held} process is suspended: no instance is replaced until it is resumed."
            return
        self._next_batch(refresh, group, remaining, states, None if rolling_back else refresh.desired)

    def _under_way(self, refresh: Refresh, states: dict, now: float) -> bool:
        if any(i in states for i in refresh.leaving):
            return True
        return any(ready_at is None or now < ready_at for ready_at in refresh.arriving.values())

    def _next_batch(self, refresh: Refresh, group, remaining: list[str], states: dict, config: dict | None) -> None:
        desired = group.desired_capacity or 0
        min_healthy = math.ceil(desired * int(refresh.preferences["MinHealthyPercentage"]) / 100)
        max_healthy = int(refresh.preferences.get("MaxHealthyPercentage") or 100)
        batch = max(1, desired - min_healthy)
        if refresh.checkpoints and refresh.status == "InProgress":
            done = refresh.total - len(remaining)
            batch = max(1, min(batch, math.ceil(refresh.total * refresh.checkpoints[0] / 100) - done))
        if max_healthy > 100:
            surge = max(1, math.floor(desired * max_healthy / 100) - desired)
            batch = max(1, min(len(remaining), surge + desired - min_healthy if min_healthy < desired else surge))
        going = remaining[:batch]
        refresh.reason = (f"Replacing {len(going)} of the {len(remaining)} instances still to "
                          f"{'roll back' if refresh.status == 'RollbackInProgress' else 'update'}.")
        counted = len([s for s in group.instance_states if s.lifecycle_state in SERVING])
        if max_healthy > 100:  # launch first; the old instances go once the new ones are ready
            refresh.to_leave = going
            new = self._launch(group, len(going), config)
        else:
            for instance_id in going:
                self.cycle.leave(group, states[instance_id])
            refresh.leaving = going
            new = self._launch(group, max(0, desired - (counted - len(going))), config)
        refresh.arriving = {i: None for i in new}
        if refresh.status != "RollbackInProgress":  # rollback's own instances are not rolled back again
            refresh.launched += new

    def _launch(self, group, count: int, config: dict | None) -> list[str]:
        """Launches count instances into the group (through its launch hooks) from config, or the group's own."""
        if count <= 0:
            return []
        before = {s.instance.id for s in group.instance_states}
        saved = (group.ec2_launch_template, group.launch_template_version, group.provided_launch_template_version)
        try:
            if config is not None:
                group._set_launch_configuration(None, config["LaunchTemplate"], None)
            group.replace_autoscaling_group_instances(count, group.get_propagated_tags())
        finally:
            group.ec2_launch_template, group.launch_template_version, group.provided_launch_template_version = saved
        refused = launch_failure(group)
        if refused:
            raise LaunchRefused(f"Launching a new EC2 instance failed: {refused}")
        return [s.instance.id for s in group.instance_states if s.instance.id not in before]

    # --- checkpoints, alarms, failures, the end ------------------------------------------------

    def _checkpoint(self, refresh: Refresh, group, replaced: int, now: float) -> bool:
        """Whether the refresh stops here: at a checkpoint it pauses (or ends, at the last one below 100)."""
        if not refresh.checkpoints or refresh.total == 0:
            return False
        percentage = math.floor(100 * replaced / refresh.total)
        if percentage < refresh.checkpoints[0]:
            return False
        reached = refresh.checkpoints.pop(0)
        if reached >= 100:
            return False
        delay = int(refresh.preferences.get("CheckpointDelay") or 3600)
        self._emit(refresh, group, "EC2 Auto Scaling Instance Refresh Checkpoint Reached",
                   {"CheckpointPercentage": str(reached), "CheckpointDelay": str(delay)})
        if not refresh.checkpoints:
            self._end(refresh, group, "Successful", f"The instance refresh stopped at its last checkpoint, {reached}%.")
            return True
        refresh.paused_until = now + clock.real_seconds(delay)
        refresh.reason = f"Waiting for the checkpoint delay of {delay} seconds after the {reached}% checkpoint."
        return True

    def _alarming(self, refresh: Refresh, now: float) -> bool:
        names = (refresh.preferences.get("AlarmSpecification") or {}).get("Alarms") or []
        if not names or now - refresh.alarms_checked < ALARM_CHECK_SECONDS:
            return False
        refresh.alarms_checked = now
        firing = self.alarms_in_alarm(refresh.account, refresh.region, names)
        if not firing:
            return False
        group = self.cycle.backend_of(refresh.account, refresh.region).autoscaling_groups[refresh.group]
        self._failed(refresh, group, f"The alarm {', '.join(firing)} went into the ALARM state.")
        return True

    def _failed(self, refresh: Refresh, group, reason: str) -> None:
        if refresh.status == "RollbackInProgress":
            self._end(refresh, group, "RollbackFailed", reason)
        elif refresh.preferences.get("AutoRollback") and not self._irreversible(refresh, group):
            self._roll_back(refresh, group, reason)
        else:
            self._end(refresh, group, "Failed", reason)

    def _roll_back(self, refresh: Refresh, group, reason: str) -> None:
        refresh.status, refresh.reason = "RollbackInProgress", f"Rolling back: {reason}"
        refresh.rollback = {"RollbackReason": reason, "RollbackStartTime": _now()}
        refresh.checkpoints, refresh.paused_until = [], None

    @staticmethod
    def _irreversible(refresh: Refresh, group) -> str | None:
        if refresh.desired is None:
            return "The instance refresh has no desired configuration to roll back from."
        if group.launch_template_version in (None, "$Latest", "$Default") or group.ec2_launch_template is None:
            return "The Auto Scaling group uses its launch template's $Latest or $Default version: it has no version to roll back to."
        return None

    def _end(self, refresh: Refresh, group, status: str, reason: str | None) -> None:
        refresh.status, refresh.reason, refresh.end_time = status, reason, _now()
        kind = {"Successful": "Succeeded", "Failed": "Failed", "Cancelled": "Cancelled"}.get(status)
        if kind:
            self._emit(refresh, group, f"EC2 Auto Scaling Instance Refresh {kind}")

    def _emit(self, refresh: Refresh, group, detail_type: str, extra: dict | None = None) -> None:
        detail = {"InstanceRefreshId": refresh.id, "AutoScalingGroupName": refresh.group, **(extra or {})}
        self.cycle.emit(Event(refresh.account, refresh.region, detail_type, [group.arn], detail))

    # --- helpers ------------------------------------------------------------------------------

    def _group(self, account, region, name):
        group = self.cycle.backend_of(account, region).autoscaling_groups.get(name)
        if group is None:
            raise validation(f"AutoScalingGroup name not found - {name}")
        return group

    def _active(self, account, region, group_name) -> Refresh | None:
        return next((r for r in self.refreshes if (r.account, r.region, r.group) == (account, region, group_name)
                     and r.status in ACTIVE), None)

    @staticmethod
    def _none_active(group_name) -> AutoScalingError:
        return AutoScalingError("ActiveInstanceRefreshNotFound",
                                f"No in progress or pending Instance Refresh found for Auto Scaling group {group_name}")

    @staticmethod
    def _remaining(refresh: Refresh, group) -> tuple[int, int]:
        """Instances still to update, and (once rolling back) new instances still to roll back."""
        serving = {s.instance.id for s in group.instance_states if s.lifecycle_state in SERVING}
        if refresh.status == "Successful":
            return 0, 0
        if refresh.rollback is None:
            return len([i for i in refresh.targets if i in serving]), 0
        back = len([i for i in refresh.launched if i in serving])
        return refresh.total - min(back, refresh.total), back

    @staticmethod
    def _validate(prefs: dict, desired: dict | None) -> None:
        low, high = int(prefs["MinHealthyPercentage"]), prefs.get("MaxHealthyPercentage")
        if not 0 <= low <= 100:
            raise validation("MinHealthyPercentage must be between 0 and 100")
        if high is not None and not (100 <= int(high) <= 200 and int(high) - low <= 100):
            raise validation("MaxHealthyPercentage must be between 100 and 200, and at most 100 above MinHealthyPercentage")
        checkpoints = prefs.get("CheckpointPercentages") or []
        if any(not 1 <= int(c) <= 100 for c in checkpoints) or list(checkpoints) != sorted(set(checkpoints)):
            raise validation("CheckpointPercentages must be unique values between 1 and 100 in ascending order")
        if prefs.get("CheckpointDelay") is not None and not checkpoints:
            raise validation("CheckpointDelay needs CheckpointPercentages")
        if prefs.get("AutoRollback") and desired is None:
            raise validation("The request isn't valid. The AutoRollback parameter cannot be set to true when the"
                             " DesiredConfiguration parameter is empty. Set AutoRollback to false or specify a desired"
                             " configuration and try again.")

    @staticmethod
    def _template_version(group, desired: dict):
        spec = (desired or {}).get("LaunchTemplate") or {}
        ec2 = group.autoscaling_backend.ec2_backend
        try:
            template = (ec2.get_launch_template(spec["LaunchTemplateId"]) if spec.get("LaunchTemplateId")
                        else ec2.get_launch_template_by_name(spec.get("LaunchTemplateName")))
            return template.get_version(spec.get("Version") or "$Default")
        except Exception:
            raise validation(f"The launch template or version of the desired configuration was not found: {spec}") from None

    def _image(self, group, desired: dict | None) -> str | None:
        if desired is None:
            return group.image_id
        return self._template_version(group, desired).image_id

    @staticmethod
    def _apply(group, desired: dict) -> None:
        group._set_launch_configuration(None, desired["LaunchTemplate"], None)
