"""Auto Scaling's lifecycle hooks as AWS documents them, on moto's backends in this process."""

import json
import time
import unittest

import boto3
from moto import mock_aws
from moto.autoscaling.models import autoscaling_backends

from kiln_local_cloud.autoscaling import AutoScalingError, Lifecycle, TERMINATING, LAUNCHING, pooled
from kiln_local_cloud.autoscaling_provider import patch_moto
from kiln_local_cloud.ec2_faults import patch_moto as patch_ec2

ACCOUNT, REGION = "123456789012", "us-east-1"


class Recorder:
    def __init__(self):
        self.events = []

    def __call__(self, event):
        json.dumps(event.detail)  # as put_on_default_bus sends it
        self.events.append(event)

    def of(self, detail_type):
        return [e for e in self.events if e.detail_type == detail_type]


_cycle = None
_emitted = Recorder()


def cycle() -> Lifecycle:
    """One lifecycle for the process: moto's classes are patched once, as in the local cloud."""
    global _cycle
    if _cycle is None:
        _cycle = Lifecycle(lambda account, region: autoscaling_backends[account][region], _emitted)
        patch_moto(_cycle)
    return _cycle


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.cycle = cycle()
        self.cycle.actions.clear()
        _emitted.events.clear()
        self.asg = boto3.client("autoscaling", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        image = ec2.describe_images()["Images"][0]["ImageId"]
        ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})
        self.asg.create_auto_scaling_group(AutoScalingGroupName="web", MinSize=0, MaxSize=4, DesiredCapacity=0,
                                           LaunchTemplate={"LaunchTemplateName": "web"}, AvailabilityZones=["us-east-1a"])

    def tearDown(self):
        self.mock.stop()

    def hook(self, name, transition, timeout=60, default="ABANDON", metadata=None):
        self.cycle.put_hook(ACCOUNT, REGION, "web", name, transition, timeout, default, metadata)

    def scale(self, desired):
        self.asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=desired)

    def states(self):
        return {i["InstanceId"]: i["LifecycleState"] for i in self.asg.describe_auto_scaling_instances()["AutoScalingInstances"]}

    def test_a_launching_instance_waits_in_pending_wait_and_its_hook_sends_the_launch_lifecycle_action(self):
        self.hook("kiln-launch", LAUNCHING, metadata="role=web")

        self.scale(1)

        [(instance, state)] = self.states().items()
        self.assertEqual(state, "Pending:Wait")
        [event] = _emitted.of("EC2 Instance-launch Lifecycle Action")
        self.assertEqual(set(event.detail), {"LifecycleActionToken", "AutoScalingGroupName", "LifecycleHookName",
                                             "EC2InstanceId", "LifecycleTransition", "NotificationMetadata"})
        self.assertEqual((event.detail["EC2InstanceId"], event.detail["LifecycleHookName"], event.detail["NotificationMetadata"]),
                         (instance, "kiln-launch", "role=web"))
        self.assertTrue(event.resources[0].startswith(f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:"))
        self.assertEqual(_emitted.of("EC2 Instance Launch Successful"), [])

    def test_continue_puts_the_instance_in_service_and_says_the_launch_succeeded(self):
        self.hook("kiln-launch", LAUNCHING)
        self.scale(1)
        [event] = _emitted.of("EC2 Instance-launch Lifecycle Action")

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", token=event.detail["LifecycleActionToken"])

        self.assertEqual(list(self.states().values()), ["InService"])
        [launched] = _emitted.of("EC2 Instance Launch Successful")
        self.assertEqual(launched.detail["EC2InstanceId"], event.detail["EC2InstanceId"])

    def test_an_instance_waits_for_every_launch_hook(self):
        self.hook("kiln-launch", LAUNCHING)
        self.hook("other", LAUNCHING)
        self.scale(1)
        instance = next(iter(self.states()))

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        self.assertEqual(self.states()[instance], "Pending:Wait")
        self.cycle.complete(ACCOUNT, REGION, "web", "other", "CONTINUE", instance_id=instance)
        self.assertEqual(self.states()[instance], "InService")

    def test_abandon_terminates_the_instance_and_the_group_launches_another(self):
        self.hook("kiln-launch", LAUNCHING)
        self.scale(1)
        first = next(iter(self.states()))

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "ABANDON", instance_id=first)

        [(second, state)] = self.states().items()
        self.assertNotEqual(second, first)
        self.assertEqual(state, "Pending:Wait")
        self.assertEqual(self.ec2_state(first), "terminated")
        [failed] = _emitted.of("EC2 Instance Launch Unsuccessful")
        self.assertEqual((failed.detail["EC2InstanceId"], failed.detail["StatusCode"]), (first, "Cancelled"))

    def test_a_launch_of_an_image_that_does_not_exist_is_refused_and_said_to_be_unsuccessful(self):
        patch_ec2()
        ec2 = boto3.client("ec2", region_name=REGION)
        ec2.create_launch_template(LaunchTemplateName="gone", LaunchTemplateData={
            "ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro"})
        self.asg.create_auto_scaling_group(AutoScalingGroupName="gone", MinSize=0, MaxSize=2, DesiredCapacity=0,
                                           LaunchTemplate={"LaunchTemplateName": "gone"}, AvailabilityZones=["us-east-1a"])

        self.asg.set_desired_capacity(AutoScalingGroupName="gone", DesiredCapacity=1)

        self.assertEqual({}, self.states())
        [failed] = _emitted.of("EC2 Instance Launch Unsuccessful")
        self.assertEqual("Failed", failed.detail["StatusCode"])
        self.assertIn("InvalidAMIID.NotFound: The image id '[ami-0123456789abcdef0]' does not exist", failed.detail["StatusMessage"])

    def test_a_group_whose_launch_process_is_suspended_launches_nothing_until_it_is_resumed(self):
        self.hook("kiln-launch", LAUNCHING)
        self.scale(1)
        first = next(iter(self.states()))
        self.asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch"])

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "ABANDON", instance_id=first)
        self.scale(2)

        self.assertEqual({}, self.states(), "no replacement and no scale-out while Launch is suspended")
        [suspended] = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]["SuspendedProcesses"]
        self.assertEqual("Launch", suspended["ProcessName"])
        self.assertRegex(suspended["SuspensionReason"], r"^User suspended at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.asg.resume_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch"])
        self.assertEqual(["Pending:Wait", "Pending:Wait"], list(self.states().values()))

    def test_a_group_whose_terminate_process_is_suspended_does_not_scale_in_until_it_is_resumed(self):
        self.scale(2)
        self.asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["Terminate"])

        self.scale(1)

        self.assertEqual(["InService", "InService"], list(self.states().values()))
        self.asg.resume_processes(AutoScalingGroupName="web")
        self.assertEqual(["InService"], list(self.states().values()))

    def test_a_hook_that_times_out_applies_its_default_result(self):
        self.hook("kiln-launch", LAUNCHING, timeout=30, default="ABANDON")
        self.scale(1)
        first = next(iter(self.states()))

        self.cycle.expire(time.monotonic() + 29)
        self.assertEqual(self.states()[first], "Pending:Wait")
        self.cycle.expire(time.monotonic() + 31)

        self.assertNotIn(first, self.states())
        self.assertEqual(self.ec2_state(first), "terminated")

    def test_a_heartbeat_restarts_the_timeout(self):
        self.hook("kiln-launch", LAUNCHING, timeout=30, default="ABANDON")
        self.scale(1)
        instance = next(iter(self.states()))
        action = next(iter(self.cycle.actions.values()))
        action.deadline = time.monotonic() + 1

        self.cycle.heartbeat(ACCOUNT, REGION, "web", "kiln-launch", instance_id=instance)
        self.cycle.expire(time.monotonic() + 20)

        self.assertEqual(self.states()[instance], "Pending:Wait")

    def test_completing_a_finished_action_is_refused_with_awss_error(self):
        self.hook("kiln-launch", LAUNCHING)
        self.scale(1)
        token = _emitted.of("EC2 Instance-launch Lifecycle Action")[0].detail["LifecycleActionToken"]
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", token=token)

        with self.assertRaises(AutoScalingError) as refused:
            self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", token=token)

        self.assertEqual((refused.exception.code, refused.exception.message),
                         ("ValidationError", f"No active Lifecycle Action found with token {token}"))

    def test_an_unknown_group_hook_or_instance_is_refused(self):
        self.hook("kiln-launch", LAUNCHING)
        cases = {
            ("nope", "kiln-launch", None): "AutoScalingGroup name not found - nope",
            ("web", "nope", None): "No Lifecycle Hook found with name nope for group web",
            ("web", "kiln-launch", "i-0000"): "No active Lifecycle Action found with instance ID i-0000",
        }
        for (group, hook, instance), message in cases.items():
            with self.subTest(message), self.assertRaises(AutoScalingError) as refused:
                self.cycle.complete(ACCOUNT, REGION, group, hook, "CONTINUE", instance_id=instance or "i-1")
            self.assertEqual(refused.exception.message, message)
        with self.assertRaises(AutoScalingError):
            self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "MAYBE", instance_id="i-1")

    def test_scale_in_holds_the_instance_in_terminating_wait_until_the_drain_hook_completes(self):
        self.hook("kiln-drain", TERMINATING, default="CONTINUE")
        self.scale(1)
        instance = next(iter(self.states()))

        self.scale(0)

        self.assertEqual(self.states(), {instance: "Terminating:Wait"})
        self.assertEqual(self.ec2_state(instance), "running")
        [event] = _emitted.of("EC2 Instance-terminate Lifecycle Action")
        self.assertEqual(event.detail["LifecycleTransition"], "autoscaling:EC2_INSTANCE_TERMINATING")

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-drain", "ABANDON", instance_id=instance)

        self.assertEqual(self.states(), {})
        self.assertEqual(self.ec2_state(instance), "terminated")
        self.assertEqual(len(_emitted.of("EC2 Instance Terminate Successful")), 1)

    def test_terminating_an_instance_without_decrement_starts_its_replacement_while_it_drains(self):
        self.hook("kiln-drain", TERMINATING, default="CONTINUE")
        self.scale(1)
        first = next(iter(self.states()))

        self.asg.terminate_instance_in_auto_scaling_group(InstanceId=first, ShouldDecrementDesiredCapacity=False)

        states = self.states()
        self.assertEqual(states.pop(first), "Terminating:Wait")
        self.assertEqual(list(states.values()), ["InService"])

    # --- warm pools -----------------------------------------------------------------------------

    def group(self):
        return autoscaling_backends[ACCOUNT][REGION].autoscaling_groups["web"]

    def pool(self):
        return {s.instance.id: s.lifecycle_state for s in pooled(self.group())}

    def test_a_warm_pool_instance_goes_through_the_launch_hook_into_the_pool_and_again_into_the_group(self):
        self.hook("kiln-launch", LAUNCHING)
        self.cycle.put_warm_pool(self.group(), max_prepared=1)

        [(instance, state)] = self.pool().items()
        self.assertEqual((state, self.states()), ("Warmed:Pending:Wait", {}))
        [into_pool] = _emitted.of("EC2 Instance-launch Lifecycle Action")
        self.assertEqual((into_pool.detail["EC2InstanceId"], into_pool.detail["Origin"], into_pool.detail["Destination"]),
                         (instance, "EC2", "WarmPool"))
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        self.assertEqual((self.pool(), self.ec2_state(instance)), ({instance: "Warmed:Stopped"}, "stopped"))

        self.scale(1)

        self.assertEqual((self.states(), self.pool(), self.ec2_state(instance)), ({instance: "Pending:Wait"}, {}, "running"))
        into_group = _emitted.of("EC2 Instance-launch Lifecycle Action")[-1]
        self.assertEqual((into_group.detail["EC2InstanceId"], into_group.detail["Origin"], into_group.detail["Destination"]),
                         (instance, "WarmPool", "AutoScalingGroup"))
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        self.assertEqual(self.states(), {instance: "InService"})

    def test_the_warm_pool_holds_the_prepared_capacity_less_the_desired_and_at_least_its_min_size(self):
        self.scale(1)
        self.cycle.put_warm_pool(self.group(), max_prepared=3)
        self.assertEqual(sorted(self.pool().values()), ["Warmed:Stopped", "Warmed:Stopped"])

        self.cycle.put_warm_pool(self.group(), max_prepared=1, min_size=3, pool_state="Running")
        self.scale(2)

        self.assertEqual(len(self.states()), 2)
        self.assertEqual(len(self.pool()), 3)

    def test_a_new_instance_of_a_group_with_a_warm_pool_says_it_comes_from_ec2(self):
        self.hook("kiln-launch", LAUNCHING)
        self.cycle.put_warm_pool(self.group(), max_prepared=0)

        self.scale(1)

        [event] = _emitted.of("EC2 Instance-launch Lifecycle Action")
        self.assertEqual((event.detail["Origin"], event.detail["Destination"]), ("EC2", "AutoScalingGroup"))

    def test_abandoning_an_instance_on_its_way_into_the_warm_pool_terminates_it_and_the_pool_launches_another(self):
        self.hook("kiln-launch", LAUNCHING)
        self.cycle.put_warm_pool(self.group(), max_prepared=1)
        [first] = self.pool()

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "ABANDON", instance_id=first)

        [(second, state)] = self.pool().items()
        self.assertNotEqual(second, first)
        self.assertEqual((state, self.ec2_state(first)), ("Warmed:Pending:Wait", "terminated"))

    def test_a_pool_that_reuses_instances_takes_a_scaled_in_instance_back_through_the_terminate_hook(self):
        self.hook("kiln-drain", TERMINATING)
        self.scale(1)
        [instance] = self.states()
        self.cycle.put_warm_pool(self.group(), max_prepared=1, reuse_policy={"ReuseOnScaleIn": True})

        self.scale(0)

        self.assertEqual((self.states(), self.pool()), ({}, {instance: "Warmed:Pending:Wait"}))
        [leaving] = _emitted.of("EC2 Instance-terminate Lifecycle Action")
        self.assertEqual((leaving.detail["EC2InstanceId"], leaving.detail["Origin"], leaving.detail["Destination"]),
                         (instance, "AutoScalingGroup", "WarmPool"))
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-drain", "CONTINUE", instance_id=instance)
        self.assertEqual((self.states(), self.pool(), self.ec2_state(instance)), ({}, {instance: "Warmed:Stopped"}, "stopped"))
        self.assertEqual([], _emitted.of("EC2 Instance Terminate Successful"))

        self.scale(1)
        self.assertEqual((self.states(), self.ec2_state(instance)), ({instance: "InService"}, "running"))

    def test_a_pool_without_reuse_lets_scaled_in_instances_go(self):
        self.scale(1)
        [instance] = self.states()
        self.cycle.put_warm_pool(self.group(), max_prepared=0)

        self.scale(0)

        self.assertEqual((self.pool(), self.ec2_state(instance)), ({}, "terminated"))

    def test_a_warm_pool_with_a_state_aws_does_not_have_is_refused(self):
        with self.assertRaises(AutoScalingError) as refused:
            self.cycle.put_warm_pool(self.group(), max_prepared=1, pool_state="Frozen")

        self.assertEqual((refused.exception.code, self.pool()), ("ValidationError", {}))

    def ec2_state(self, instance_id):
        ec2 = boto3.client("ec2", region_name=REGION)
        return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


if __name__ == "__main__":
    unittest.main()
