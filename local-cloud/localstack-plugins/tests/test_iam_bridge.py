"""Every instance of a RunInstances gets its instance profile, as on AWS (moto's EC2 in this process)."""

import unittest

import boto3
from moto import mock_aws
from moto.ec2.models.instances import InstanceBackend

from kiln_local_cloud.iam_bridge import profiles_for_every_instance

profiles_for_every_instance(InstanceBackend)


@mock_aws
class InstanceProfilesTest(unittest.TestCase):
    def setUp(self):
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_role(RoleName="fleet", AssumeRolePolicyDocument="{}")
        self.profile = iam.create_instance_profile(InstanceProfileName="fleet")["InstanceProfile"]["Arn"]
        iam.add_role_to_instance_profile(InstanceProfileName="fleet", RoleName="fleet")
        self.ec2 = boto3.client("ec2", region_name="us-east-1")
        self.image = self.ec2.describe_images()["Images"][0]["ImageId"]

    def profiles(self, instances):
        ids = [i["InstanceId"] for i in instances]
        found = self.ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
        return sorted(a["IamInstanceProfile"]["Arn"] for a in found if a["InstanceId"] in ids)

    def test_every_instance_of_one_call_gets_the_calls_profile(self):
        instances = self.ec2.run_instances(ImageId=self.image, MinCount=3, MaxCount=3,
                                           IamInstanceProfile={"Arn": self.profile})["Instances"]

        self.assertEqual([self.profile] * 3, self.profiles(instances))

    def test_an_instance_from_a_launch_template_gets_the_templates_profile(self):
        self.ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
            "ImageId": self.image, "IamInstanceProfile": {"Arn": self.profile}})

        instances = self.ec2.run_instances(MinCount=2, MaxCount=2, LaunchTemplate={"LaunchTemplateName": "web"})["Instances"]

        self.assertEqual([self.profile] * 2, self.profiles(instances))

    def test_an_instance_without_a_profile_gets_none(self):
        instances = self.ec2.run_instances(ImageId=self.image, MinCount=1, MaxCount=1)["Instances"]

        self.assertEqual([], self.profiles(instances))


if __name__ == "__main__":
    unittest.main()
