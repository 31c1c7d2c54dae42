"""Auto Scaling API faults a test names on a group (autoscaling_provider.ApiFaults), on moto's backend."""

import unittest
from types import SimpleNamespace

import boto3
from localstack.aws.api import CommonServiceException
from moto import mock_aws

from kiln_local_cloud.autoscaling import AutoScalingError
from kiln_local_cloud.autoscaling_provider import ApiFaults, tag_page
from tests.test_autoscaling import ACCOUNT, REGION, cycle


class ApiFaultsTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.faults = ApiFaults(cycle())
        self.context = SimpleNamespace(account_id=ACCOUNT, region=REGION)
        self.asg = boto3.client("autoscaling", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
            "ImageId": ec2.describe_images()["Images"][0]["ImageId"], "InstanceType": "t3.micro"})
        for name, fault in (("throttled", "DescribeAutoScalingGroups:Throttling*2"),
                            ("racing", "StartInstanceRefresh:InstanceRefreshInProgress"),
                            ("later", "DescribeInstanceRefreshes:Throttling*2+1"), ("calm", None)):
            tags = [{"Key": "local-cloud:fault", "Value": fault, "PropagateAtLaunch": False}] if fault else []
            self.asg.create_auto_scaling_group(AutoScalingGroupName=name, MinSize=0, MaxSize=1, DesiredCapacity=0,
                                               LaunchTemplate={"LaunchTemplateName": "web"},
                                               AvailabilityZones=["us-east-1a"], Tags=tags)

    def tearDown(self):
        self.mock.stop()

    def answer(self, operation, **request):
        try:
            self.faults.check(self.context, operation, request)
            return "served"
        except CommonServiceException as error:
            return f"{error.code}: {error.message}"

    def test_a_counted_fault_answers_its_error_that_many_times_then_the_operation_is_served(self):
        answers = [self.answer("DescribeAutoScalingGroups", AutoScalingGroupNames=["throttled"]) for _ in range(3)]

        self.assertEqual(["Throttling: Rate exceeded", "Throttling: Rate exceeded", "served"], answers)

    def test_a_fault_applies_only_to_its_operation_and_its_group(self):
        self.assertEqual("served", self.answer("DescribeInstanceRefreshes", AutoScalingGroupName="throttled"))
        self.assertEqual("served", self.answer("DescribeAutoScalingGroups", AutoScalingGroupNames=["calm"]))
        self.assertEqual("served", self.answer("DescribeAutoScalingGroups", AutoScalingGroupNames=["no-such-group"]))

    def test_an_uncounted_fault_answers_every_time_with_awss_message(self):
        for _ in range(3):
            self.assertEqual("InstanceRefreshInProgress: An Instance Refresh is already in progress and blocks the"
                             " execution of this Instance Refresh.",
                             self.answer("StartInstanceRefresh", AutoScalingGroupName="racing"))

    def test_a_fault_after_k_calls_serves_those_first(self):
        answers = [self.answer("DescribeInstanceRefreshes", AutoScalingGroupName="later")[:10] for _ in range(4)]

        self.assertEqual(["served", "Throttling", "Throttling", "served"], answers)


class TagPagesTest(unittest.TestCase):
    TAGS = [{"ResourceId": f"group-{n % 7}", "ResourceType": "auto-scaling-group", "Key": f"k{n}", "Value": "v",
             "PropagateAtLaunch": False} for n in range(120)]

    def test_tags_come_in_pages_of_max_records_and_the_last_page_has_no_next_token(self):
        pages, token = [], None
        while True:
            page = tag_page(self.TAGS, 100, token)
            pages.append(page["Tags"])
            token = page.get("NextToken")
            if token is None:
                break

        self.assertEqual([100, 20], [len(p) for p in pages])
        self.assertEqual(sorted((t["ResourceId"], t["Key"]) for t in self.TAGS),
                         [(t["ResourceId"], t["Key"]) for p in pages for t in p])

    def test_a_page_is_fifty_tags_unless_asked(self):
        self.assertEqual(50, len(tag_page(self.TAGS, None, None)["Tags"]))

    def test_a_token_that_is_not_ours_and_a_page_above_100_are_refused(self):
        with self.assertRaises(AutoScalingError) as token:
            tag_page(self.TAGS, 10, "bm9wZQ==")
        with self.assertRaises(AutoScalingError) as size:
            tag_page(self.TAGS, 101, None)

        self.assertEqual(("InvalidNextToken", "ValidationError"), (token.exception.code, size.exception.code))


if __name__ == "__main__":
    unittest.main()
