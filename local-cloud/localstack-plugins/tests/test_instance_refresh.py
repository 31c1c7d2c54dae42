"""Instance refresh as AWS documents it, on moto's backends in this process (the lifecycle of test_autoscaling)."""

import os
import time
import unittest

import boto3
from moto import mock_aws

from kiln_local_cloud import ec2_faults
from kiln_local_cloud.autoscaling import LAUNCHING, TERMINATING, AutoScalingError
from kiln_local_cloud.instance_refresh import InstanceRefreshes
from tests.test_autoscaling import ACCOUNT, REGION, _emitted, cycle


class InstanceRefreshTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.cycle = cycle()
        self.cycle.actions.clear()
        _emitted.events.clear()
        self.alarming = []
        self.refreshes = InstanceRefreshes(self.cycle, lambda account, region, names: [n for n in names if n in self.alarming])
        self.asg = boto3.client("autoscaling", region_name=REGION)
        self.ec2 = boto3.client("ec2", region_name=REGION)
        images = [i["ImageId"] for i in self.ec2.describe_images()["Images"]][:2]
        self.old, self.new = images
        self.template = self.ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
            "ImageId": self.old, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
        self.ec2.create_launch_template_version(LaunchTemplateId=self.template, LaunchTemplateData={
            "ImageId": self.new, "InstanceType": "t3.micro"})
        self.asg.create_auto_scaling_group(AutoScalingGroupName="web", MinSize=0, MaxSize=8, DesiredCapacity=4,
                                           LaunchTemplate={"LaunchTemplateId": self.template, "Version": "1"},
                                           AvailabilityZones=["us-east-1a"])
        self.first = set(self.states())
        self.now = time.monotonic()

    def tearDown(self):
        self.mock.stop()
        os.environ.pop("KILN_LOCAL_CLOCK_SPEED", None)

    # --- helpers ------------------------------------------------------------------------------

    def start(self, **preferences):
        preferences.setdefault("InstanceWarmup", 0)
        return self.refreshes.start(ACCOUNT, REGION, "web", "Rolling",
                                    {"LaunchTemplate": {"LaunchTemplateId": self.template, "Version": "2"}}, preferences)

    def tick(self, seconds=1.0):
        self.now += seconds
        self.refreshes.advance(self.now)

    def refresh(self):
        return self.refreshes.describe(ACCOUNT, REGION, "web")[0]

    def states(self):
        return {i["InstanceId"]: i["LifecycleState"] for i in self.asg.describe_auto_scaling_instances()["AutoScalingInstances"]}

    def images(self):
        ids = list(self.states())
        reservations = self.ec2.describe_instances(InstanceIds=ids)["Reservations"] if ids else []
        return sorted(i["ImageId"] for r in reservations for i in r["Instances"])

    def run_to_end(self, on_tick=lambda: None, ticks=50):
        for _ in range(ticks):
            on_tick()
            self.tick()
            if self.refresh()["Status"] not in ("Pending", "InProgress", "Cancelling", "RollbackInProgress"):
                return self.refresh()
        self.fail(f"the refresh did not end: {self.refresh()}")

    def complete_all(self, result="CONTINUE"):
        for action in [a for a in self.cycle.actions.values() if a.result is None]:
            self.cycle.complete(ACCOUNT, REGION, "web", action.hook, result, token=action.token)

    # --- behaviours ---------------------------------------------------------------------------

    def test_a_refresh_replaces_every_instance_with_the_desired_configuration_and_then_makes_it_the_groups(self):
        refresh_id = self.start(MinHealthyPercentage=50)

        ended = self.run_to_end()

        self.assertEqual(("Successful", 100, 0), (ended["Status"], ended["PercentageComplete"], ended["InstancesToUpdate"]))
        self.assertEqual([self.new] * 4, self.images())
        self.assertFalse(self.first & set(self.states()))
        group = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
        self.assertEqual("2", group["LaunchTemplate"]["Version"])
        self.assertEqual([refresh_id, refresh_id], [e.detail["InstanceRefreshId"] for e in _emitted.events
                                                    if e.detail_type.startswith("EC2 Auto Scaling Instance Refresh")])
        self.assertEqual(["EC2 Auto Scaling Instance Refresh Started", "EC2 Auto Scaling Instance Refresh Succeeded"],
                         [e.detail_type for e in _emitted.events if "Refresh" in e.detail_type])

    def test_each_instance_carries_the_launch_template_version_it_was_launched_from(self):
        self.start(MinHealthyPercentage=50)

        self.run_to_end()

        reservations = self.ec2.describe_instances(InstanceIds=list(self.states()))["Reservations"]
        versions = [{t["Key"]: t["Value"] for t in i["Tags"]}.get("aws:ec2launchtemplate:version")
                    for r in reservations for i in r["Instances"]]
        self.assertEqual(["2"] * 4, versions)

    def widest_batch(self, healthy):
        """Runs a refresh of the group's 4 instances with a launch hook; the most instances waiting at once."""
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-launch", LAUNCHING, 60, "ABANDON", None)
        self.start(MinHealthyPercentage=healthy)
        widest = 0

        def watch():
            nonlocal widest
            widest = max(widest, len([s for s in self.states().values() if s == "Pending:Wait"]))
            self.complete_all()

        self.assertEqual("Successful", self.run_to_end(watch)["Status"])
        return widest

    def test_no_more_instances_are_out_of_service_at_once_than_the_minimum_healthy_percentage_allows(self):
        self.assertEqual(2, self.widest_batch(50))

    def test_a_minimum_healthy_percentage_of_100_replaces_one_instance_at_a_time(self):
        self.assertEqual(1, self.widest_batch(100))

    def test_replacements_wait_for_the_warm_up_before_the_next_batch(self):
        self.start(MinHealthyPercentage=75, InstanceWarmup=60)
        self.tick()
        first_batch = set(self.states()) - self.first

        self.tick(30)
        self.assertEqual(first_batch, set(self.states()) - self.first, "no second batch during the warm-up")
        self.tick(31)
        self.tick()
        self.assertGreater(len(set(self.states()) - self.first), len(first_batch))

    def test_instances_leave_and_arrive_through_the_hooks(self):
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-drain", TERMINATING, 60, "CONTINUE", None)
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-launch", LAUNCHING, 60, "ABANDON", None)

        self.start(MinHealthyPercentage=100)

        self.assertEqual(["Pending:Wait", "Terminating:Wait"], sorted(s for s in self.states().values() if "Wait" in s))
        self.assertEqual("Successful", self.run_to_end(self.complete_all)["Status"])
        self.assertEqual(4, len(_emitted.of("EC2 Instance-terminate Lifecycle Action")))

    def test_a_second_refresh_while_one_runs_is_refused_with_awss_error(self):
        self.start()

        with self.assertRaises(AutoScalingError) as refused:
            self.start()

        self.assertEqual("InstanceRefreshInProgress", refused.exception.code)
        self.assertEqual("An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.",
                         refused.exception.message)

    def test_a_refresh_replaces_no_instance_while_the_groups_launch_process_is_suspended(self):
        self.asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch"])
        self.start(MinHealthyPercentage=50)

        for _ in range(5):
            self.tick()

        self.assertEqual(("InProgress", 0), (self.refresh()["Status"], self.refresh()["PercentageComplete"]))
        self.assertIn("The Launch process is suspended", self.refresh()["StatusReason"])
        self.assertEqual(self.first, set(self.states()))
        self.asg.resume_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch"])
        self.assertEqual("Successful", self.run_to_end()["Status"])
        self.assertEqual([self.new] * 4, self.images())

    def test_a_checkpoint_pauses_the_refresh_for_its_delay_and_says_so(self):
        os.environ["KILN_LOCAL_CLOCK_SPEED"] = "3600"  # the delay's hour passes in a second
        self.start(MinHealthyPercentage=0, CheckpointPercentages=[50, 100], CheckpointDelay=3600)
        self.tick()

        [checkpoint] = _emitted.of("EC2 Auto Scaling Instance Refresh Checkpoint Reached")
        self.assertEqual({"CheckpointPercentage": "50", "CheckpointDelay": "3600"},
                         {k: checkpoint.detail[k] for k in ("CheckpointPercentage", "CheckpointDelay")})
        self.assertEqual((50, "InProgress"), (self.refresh()["PercentageComplete"], self.refresh()["Status"]))
        self.tick(0.5)
        self.assertEqual(50, self.refresh()["PercentageComplete"], "still paused")

        self.assertEqual("Successful", self.run_to_end()["Status"])
        self.assertEqual(1, len(_emitted.of("EC2 Auto Scaling Instance Refresh Checkpoint Reached")), "none for 100")

    def test_a_replacement_that_fails_to_launch_rolls_the_group_back_with_auto_rollback(self):
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-launch", LAUNCHING, 60, "ABANDON", None)
        self.start(MinHealthyPercentage=50, AutoRollback=True)
        self.tick()
        self.complete_all()  # the first batch goes in service
        self.tick()
        self.tick()
        self.complete_all("ABANDON")  # the second batch's launches fail
        self.tick()

        self.assertEqual("RollbackInProgress", self.refresh()["Status"])
        self.assertIn("failed to launch", self.refresh()["RollbackDetails"]["RollbackReason"])
        ended = self.run_to_end(self.complete_all)

        self.assertEqual("RollbackSuccessful", ended["Status"])
        self.assertEqual([self.old] * 4, self.images())
        group = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
        self.assertEqual("1", group["LaunchTemplate"]["Version"], "the group keeps its configuration")

    def test_a_replacement_that_fails_to_launch_fails_the_refresh_without_auto_rollback(self):
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-launch", LAUNCHING, 60, "ABANDON", None)
        self.start(MinHealthyPercentage=50)
        self.tick()
        self.complete_all("ABANDON")

        ended = self.run_to_end(self.complete_all)

        self.assertEqual("Failed", ended["Status"])
        self.assertEqual(1, len(_emitted.of("EC2 Auto Scaling Instance Refresh Failed")))

    def refuse_launches(self):
        """From now on EC2 refuses the group's launches: no capacity (the fault propagates to its instances)."""
        ec2_faults.patch_moto()
        self.asg.create_or_update_tags(Tags=[{"ResourceId": "web", "ResourceType": "auto-scaling-group",
                                              "Key": "local-cloud:fault", "Value": "no-capacity", "PropagateAtLaunch": True}])

    def test_a_replacement_that_ec2_refuses_is_a_failed_launch_and_fails_the_refresh(self):
        self.refuse_launches()
        self.start(MinHealthyPercentage=75)

        ended = self.run_to_end()

        self.assertEqual("Failed", ended["Status"])
        self.assertIn("InsufficientInstanceCapacity", ended["StatusReason"])
        [failed] = _emitted.of("EC2 Instance Launch Unsuccessful")
        self.assertEqual("Failed", failed.detail["StatusCode"])
        self.assertIn("sufficient t3.micro capacity", failed.detail["StatusMessage"])

    def test_a_rollback_that_cannot_bring_the_group_back_to_its_capacity_fails(self):
        self.refuse_launches()
        self.start(MinHealthyPercentage=75, AutoRollback=True)

        ended = self.run_to_end()

        self.assertEqual("RollbackFailed", ended["Status"])
        self.assertEqual(3, len(self.states()), "the instance let go could not be replaced")

    def test_a_rollback_brings_the_group_back_to_its_capacity_from_its_own_configuration(self):
        self.start(MinHealthyPercentage=75, AutoRollback=True, InstanceWarmup=60,
                   AlarmSpecification={"Alarms": ["web-5xx-high"]})
        self.tick()
        self.alarming.append("web-5xx-high")

        ended = self.run_to_end(ticks=200)  # the rollback's replacements warm up too

        self.assertEqual("RollbackSuccessful", ended["Status"])
        self.assertEqual([self.old] * 4, self.images())

    def test_an_alarm_in_alarm_rolls_the_refresh_back(self):
        self.start(MinHealthyPercentage=75, AutoRollback=True, InstanceWarmup=60,
                   AlarmSpecification={"Alarms": ["web-5xx-high"]})
        self.tick()
        self.alarming.append("web-5xx-high")
        self.tick(10)

        self.assertEqual("RollbackInProgress", self.refresh()["Status"])
        self.assertEqual("The alarm web-5xx-high went into the ALARM state.", self.refresh()["RollbackDetails"]["RollbackReason"])

    def test_rollback_on_request_replaces_the_new_instances_with_the_previous_configuration(self):
        self.start(MinHealthyPercentage=50, InstanceWarmup=60)
        self.tick()

        self.refreshes.rollback(ACCOUNT, REGION, "web")
        ended = self.run_to_end(ticks=400)

        self.assertEqual("RollbackSuccessful", ended["Status"])
        self.assertEqual([self.old] * 4, self.images())

    def test_a_cancelled_refresh_finishes_its_batch_and_stops(self):
        self.start(MinHealthyPercentage=50, InstanceWarmup=60)
        self.tick()

        self.refreshes.cancel(ACCOUNT, REGION, "web")
        ended = self.run_to_end(ticks=120)

        self.assertEqual("Cancelled", ended["Status"])
        self.assertEqual(sorted([self.old] * 2 + [self.new] * 2), self.images())
        self.assertEqual(1, len(_emitted.of("EC2 Auto Scaling Instance Refresh Cancelled")))
        with self.assertRaises(AutoScalingError) as refused:
            self.refreshes.cancel(ACCOUNT, REGION, "web")
        self.assertEqual(("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto"
                                                           " Scaling group web"),
                         (refused.exception.code, refused.exception.message))

    def test_skip_matching_leaves_instances_that_run_the_desired_image(self):
        self.asg.update_auto_scaling_group(AutoScalingGroupName="web",
                                           LaunchTemplate={"LaunchTemplateId": self.template, "Version": "2"})
        self.asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=5)
        matching = set(self.states()) - self.first
        self.asg.update_auto_scaling_group(AutoScalingGroupName="web",
                                           LaunchTemplate={"LaunchTemplateId": self.template, "Version": "1"})

        self.start(MinHealthyPercentage=100, SkipMatching=True, InstanceWarmup=60)

        self.assertEqual(3, self.refresh()["InstancesToUpdate"], "4 to replace, 1 under way")
        self.run_to_end(ticks=400)
        self.assertTrue(matching <= set(self.states()))
        self.assertEqual([self.new] * 5, self.images())

    def test_bad_requests_are_refused_and_start_nothing(self):
        cases = [
            (dict(AutoRollback=True), None, "The AutoRollback parameter cannot be set to true when the DesiredConfiguration"),
            (dict(MinHealthyPercentage=101), {}, "MinHealthyPercentage"),
            (dict(MinHealthyPercentage=50, MaxHealthyPercentage=160), {}, "MaxHealthyPercentage"),
            (dict(CheckpointPercentages=[50, 20]), {}, "CheckpointPercentages"),
        ]
        for preferences, desired, message in cases:
            with self.subTest(preferences):
                with self.assertRaises(AutoScalingError) as refused:
                    self.refreshes.start(ACCOUNT, REGION, "web", "Rolling", desired, preferences)
                self.assertEqual("ValidationError", refused.exception.code)
                self.assertIn(message, refused.exception.message)
        with self.assertRaises(AutoScalingError) as unknown:
            self.refreshes.start(ACCOUNT, REGION, "nope", None, None, None)
        self.assertEqual("AutoScalingGroup name not found - nope", unknown.exception.message)
        self.assertEqual([], self.refreshes.describe(ACCOUNT, REGION, "web"))


if __name__ == "__main__":
    unittest.main()
