"""EC2's answers to the faults a test names, on moto's EC2 in this process."""

import os
import tempfile
import unittest

import boto3
import botocore.exceptions
from moto import mock_aws

from kiln_local_cloud.ec2_faults import patch_moto

REGION = "us-east-1"


class Ec2FaultsTest(unittest.TestCase):
    def setUp(self):
        patch_moto()
        self.mock = mock_aws()
        self.mock.start()
        self.ec2 = boto3.client("ec2", region_name=REGION)
        self.image = self.ec2.describe_images()["Images"][0]["ImageId"]
        self.rules = tempfile.NamedTemporaryFile("w", suffix=".tsv")
        self.rules.write("kiln:commit=abc\tno-capacity\nkiln:commit=def\tcreate-image-fails\nkiln:commit=fed\timage-never-available\n")
        self.rules.flush()
        os.environ["KILN_LOCAL_FAULTS"] = self.rules.name

    def tearDown(self):
        del os.environ["KILN_LOCAL_FAULTS"]
        self.rules.close()
        self.mock.stop()

    def launch(self, commit, **kwargs):
        return self.ec2.run_instances(ImageId=self.image, InstanceType="t4g.large", MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "kiln:commit", "Value": commit}]}], **kwargs)["Instances"][0]["InstanceId"]

    def test_a_launch_with_the_no_capacity_fault_is_refused_as_ec2_refuses_it_on_demand_and_spot(self):
        with self.assertRaises(botocore.exceptions.ClientError) as on_demand:
            self.launch("abc", Placement={"AvailabilityZone": "us-east-1b"})
        with self.assertRaises(botocore.exceptions.ClientError) as spot:
            self.launch("abc", InstanceMarketOptions={"MarketType": "spot"})

        self.assertEqual("InsufficientInstanceCapacity", on_demand.exception.response["Error"]["Code"])
        self.assertIn("We currently do not have sufficient t4g.large capacity in the Availability Zone you requested"
                      " (us-east-1b).", on_demand.exception.response["Error"]["Message"])
        self.assertEqual("There is no Spot capacity available that matches your request.", spot.exception.response["Error"]["Message"])
        self.assertEqual([], [r for r in self.ec2.describe_instances()["Reservations"]
                              if any(t["Value"] == "abc" for i in r["Instances"] for t in i.get("Tags", []))])

    def test_other_launches_go_on(self):
        self.assertTrue(self.launch("0123"))

    def test_a_launch_of_an_image_that_does_not_exist_is_refused_named_or_in_its_template(self):
        with self.assertRaises(botocore.exceptions.ClientError) as named:
            self.ec2.run_instances(ImageId="ami-0123456789abcdef0", InstanceType="t4g.large", MinCount=1, MaxCount=1)
        template = self.ec2.create_launch_template(LaunchTemplateName="gone", LaunchTemplateData={
            "ImageId": "ami-0fedcba9876543210", "InstanceType": "t4g.large"})["LaunchTemplate"]["LaunchTemplateId"]
        with self.assertRaises(botocore.exceptions.ClientError) as templated:
            self.ec2.run_instances(LaunchTemplate={"LaunchTemplateId": template}, MinCount=1, MaxCount=1)

        self.assertEqual("InvalidAMIID.NotFound", named.exception.response["Error"]["Code"])
        self.assertEqual("The image id '[ami-0123456789abcdef0]' does not exist", named.exception.response["Error"]["Message"])
        self.assertEqual("InvalidAMIID.NotFound", templated.exception.response["Error"]["Code"])
        self.assertIn("ami-0fedcba9876543210", templated.exception.response["Error"]["Message"])
        self.assertEqual([], self.ec2.describe_instances()["Reservations"])

    def test_a_rule_on_a_launch_template_version_refuses_launches_from_that_version_only(self):
        data = {"ImageId": self.image, "InstanceType": "t4g.large"}
        template = self.ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData=data)["LaunchTemplate"]["LaunchTemplateId"]
        self.ec2.create_launch_template_version(LaunchTemplateId=template, LaunchTemplateData=data)
        self.rules.write(f"aws:ec2launchtemplate:id={template}&aws:ec2launchtemplate:version=2\tno-capacity\n")
        self.rules.flush()

        def launch(version):
            return self.ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": template, "Version": version})

        self.assertTrue(launch("1")["Instances"])
        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            launch("2")
        self.assertEqual("InsufficientInstanceCapacity", refused.exception.response["Error"]["Code"])

    def test_create_image_of_an_instance_with_the_create_image_fails_fault_is_refused_and_makes_no_image(self):
        instance = self.launch("def")

        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            self.ec2.create_image(InstanceId=instance, Name="kiln-base-def")

        self.assertEqual("InternalError", refused.exception.response["Error"]["Code"])
        self.assertEqual([], self.ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["kiln-base-def"]}])["Images"])

    def test_the_image_of_an_instance_with_the_image_never_available_fault_stays_pending(self):
        image = self.ec2.create_image(InstanceId=self.launch("fed"), Name="kiln-base-fed")["ImageId"]
        other = self.ec2.create_image(InstanceId=self.launch("0123"), Name="kiln-base-0123")["ImageId"]

        states = {i["ImageId"]: i["State"] for i in self.ec2.describe_images(ImageIds=[image, other])["Images"]}
        self.assertEqual({image: "pending", other: "available"}, states)


if __name__ == "__main__":
    unittest.main()
