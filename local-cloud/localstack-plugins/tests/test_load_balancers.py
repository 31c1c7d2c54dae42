"""Target health and Auto Scaling's registration as AWS documents them, on moto's backends in this process."""

import os
import tempfile
import time
import unittest
from dataclasses import replace
from pathlib import Path
from unittest import mock

import boto3
from moto import mock_aws

from kiln_local_cloud.autoscaling import LAUNCHING, TERMINATING
from kiln_local_cloud.load_balancers import Target, health, patch_moto
from tests.test_autoscaling import ACCOUNT, REGION, _emitted, cycle

TARGET = Target(registered_at=100.0, deregistered_at=None, in_use=True, checks_enabled=True, interval=30,
                healthy_threshold=5, deregistration_delay=300, instance_state="running", serving=True)


class TargetHealthTest(unittest.TestCase):
    """health(): what DescribeTargetHealth answers for one target at one moment."""

    def test_a_new_target_is_initial_until_its_checks_could_have_passed_the_healthy_threshold(self):
        self.assertEqual(health(TARGET, 100 + 149), ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress"))
        self.assertEqual(health(TARGET, 100 + 150), ("healthy", None, None))

    def test_a_target_whose_server_does_not_answer_is_unhealthy(self):
        self.assertEqual(health(replace(TARGET, serving=False), 1000),
                         ("unhealthy", "Target.FailedHealthChecks", "Health checks failed"))

    def test_a_deregistered_target_drains_for_the_deregistration_delay_then_is_not_registered(self):
        gone = replace(TARGET, registered_at=None, deregistered_at=500.0)
        self.assertEqual(health(gone, 799)[:2], ("draining", "Target.DeregistrationInProgress"))
        self.assertEqual(health(gone, 800)[:2], ("unused", "Target.NotRegistered"))

    def test_a_target_group_no_load_balancer_sends_to_has_only_unused_targets(self):
        self.assertEqual(health(replace(TARGET, in_use=False), 1000)[:2], ("unused", "Target.NotInUse"))

    def test_a_stopped_instance_is_unused(self):
        self.assertEqual(health(replace(TARGET, instance_state="stopped"), 1000)[:2],
                         ("unused", "Target.InvalidState"))

    def test_without_health_checks_a_target_is_unavailable(self):
        self.assertEqual(health(replace(TARGET, checks_enabled=False), 1000)[:2],
                         ("unavailable", "Target.HealthCheckDisabled"))


class GroupTargetsTest(unittest.TestCase):
    """A group's instances in its target groups: registered after the launch hooks, drained before the terminate hooks."""

    def setUp(self):
        self.instances = Path(tempfile.mkdtemp(prefix="instances-"))
        self.env = mock.patch.dict(os.environ, {"KILN_INSTANCES_DIR": str(self.instances), "KILN_LOCAL_INSTANCES": "sandbox",
                                                "KILN_LOCAL_CLOCK_SPEED": "100"})
        self.env.start()
        self.mock = mock_aws()
        self.mock.start()
        self.cycle = cycle()
        patch_moto()
        self.cycle.actions.clear()
        self.cycle.draining.clear()
        _emitted.events.clear()
        ec2 = boto3.client("ec2", region_name=REGION)
        self.elb = boto3.client("elbv2", region_name=REGION)
        self.asg = boto3.client("autoscaling", region_name=REGION)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
        balancer = self.elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        # checks 5 s apart, healthy after 2: 10 s, a tenth of a second at the test's clock speed; drained in 30 s
        self.target_group = self.elb.create_target_group(
            Name="web-blue", Protocol="HTTP", Port=80, VpcId=vpc, HealthCheckIntervalSeconds=5,
            HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        self.elb.modify_target_group_attributes(TargetGroupArn=self.target_group, Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])
        self.elb.create_listener(LoadBalancerArn=balancer, Protocol="HTTP", Port=80,
                                 DefaultActions=[{"Type": "forward", "TargetGroupArn": self.target_group}])
        image = ec2.describe_images()["Images"][0]["ImageId"]
        ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})
        self.asg.create_auto_scaling_group(AutoScalingGroupName="web", MinSize=0, MaxSize=4, DesiredCapacity=0,
                                           LaunchTemplate={"LaunchTemplateName": "web"}, AvailabilityZones=["us-east-1a"],
                                           TargetGroupARNs=[self.target_group])
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-launch", LAUNCHING, 60, "ABANDON", None)
        self.cycle.put_hook(ACCOUNT, REGION, "web", "kiln-drain", TERMINATING, 60, "CONTINUE", None)

    def tearDown(self):
        self.mock.stop()
        self.env.stop()

    def health(self):
        return {d["Target"]["Id"]: d["TargetHealth"]
                for d in self.elb.describe_target_health(TargetGroupArn=self.target_group)["TargetHealthDescriptions"]}

    def serve(self, instance_id, active=True):
        """The instance's sandbox runs (or no longer runs) a web server."""
        units = self.instances / instance_id / "root/var/lib/local-cloud/systemd"
        units.mkdir(parents=True, exist_ok=True)
        (units / "nginx").write_text("enabled active\n" if active else "enabled inactive\n")

    def launch_one(self):
        self.asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=1)
        [instance] = [i["InstanceId"] for i in self.asg.describe_auto_scaling_instances()["AutoScalingInstances"]]
        return instance

    def test_an_instance_is_registered_only_once_its_launch_hook_is_done_and_healthy_once_its_server_answers(self):
        instance = self.launch_one()
        self.assertEqual({}, self.health(), "not registered while in Pending:Wait")

        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        self.assertEqual("initial", self.health()[instance]["State"])

        time.sleep(0.15)
        self.assertEqual({"State": "unhealthy", "Reason": "Target.FailedHealthChecks", "Description": "Health checks failed"},
                         self.health()[instance])
        self.serve(instance)
        self.assertEqual("healthy", self.health()[instance]["State"])
        self.serve(instance, active=False)
        self.assertEqual("unhealthy", self.health()[instance]["State"])

    def test_a_leaving_instance_drains_out_of_its_target_groups_before_its_terminate_hook_starts(self):
        instance = self.launch_one()
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        self.serve(instance)

        self.asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=0)

        self.assertEqual("draining", self.health()[instance]["State"])
        states = {i["InstanceId"]: i["LifecycleState"] for i in self.asg.describe_auto_scaling_instances()["AutoScalingInstances"]}
        self.assertEqual("Terminating", states[instance])
        self.assertEqual([], _emitted.of("EC2 Instance-terminate Lifecycle Action"))

        time.sleep(0.35)  # 30 s at the test's clock speed
        self.cycle.drain()

        [action] = _emitted.of("EC2 Instance-terminate Lifecycle Action")
        self.assertEqual(instance, action.detail["EC2InstanceId"])
        self.assertEqual({}, self.health())
        unused = self.elb.describe_target_health(TargetGroupArn=self.target_group, Targets=[{"Id": instance}])
        self.assertEqual("Target.NotRegistered", unused["TargetHealthDescriptions"][0]["TargetHealth"]["Reason"])

    def test_a_group_attached_to_a_target_group_later_registers_its_instances_in_service(self):
        instance = self.launch_one()
        self.cycle.complete(ACCOUNT, REGION, "web", "kiln-launch", "CONTINUE", instance_id=instance)
        other = self.elb.create_target_group(Name="web-green", Protocol="HTTP", Port=80,
                                             VpcId=boto3.client("ec2", region_name=REGION).describe_vpcs()["Vpcs"][0]["VpcId"]
                                             )["TargetGroups"][0]["TargetGroupArn"]

        self.asg.attach_load_balancer_target_groups(AutoScalingGroupName="web", TargetGroupARNs=[other])

        [description] = self.elb.describe_target_health(TargetGroupArn=other)["TargetHealthDescriptions"]
        self.assertEqual((instance, "unused", "Target.NotInUse"), (description["Target"]["Id"], description["TargetHealth"]["State"],
                                                                    description["TargetHealth"]["Reason"]))


if __name__ == "__main__":
    unittest.main()
