"""Images another account shared, launched and described as EC2 lets the account they are shared with."""

import os
import unittest

import boto3
import botocore.exceptions
from moto import mock_aws

from kiln_local_cloud.ec2_faults import patch_moto as patch_faults
from kiln_local_cloud.shared_images import patch_moto

REGION = "eu-west-1"
HUB = "123456789012"
MEMBER = "111111111111"


class SharedImagesTest(unittest.TestCase):
    def setUp(self):
        patch_faults()
        patch_moto()
        self.mock = mock_aws()
        self.mock.start()
        self.image = self.as_account(HUB, self.hub_image)

    def tearDown(self):
        os.environ.pop("MOTO_ACCOUNT_ID", None)
        self.mock.stop()

    @staticmethod
    def as_account(account, call):
        os.environ["MOTO_ACCOUNT_ID"] = account
        try:
            return call(boto3.client("ec2", region_name=REGION))
        finally:
            del os.environ["MOTO_ACCOUNT_ID"]

    @staticmethod
    def hub_image(ec2):
        base = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(ImageId=base, InstanceType="t4g.small", MinCount=1, MaxCount=1)["Instances"][0]
        return ec2.create_image(InstanceId=instance["InstanceId"], Name="web-copy")["ImageId"]

    def share(self, permission):
        self.as_account(HUB, lambda ec2: ec2.modify_image_attribute(ImageId=self.image, LaunchPermission={"Add": [permission]}))

    def launch_in_member(self):
        return self.as_account(MEMBER, lambda ec2: ec2.run_instances(ImageId=self.image, InstanceType="t4g.small",
                                                                      MinCount=1, MaxCount=1)["Instances"][0]["ImageId"])

    def test_an_image_shared_with_the_account_is_launched_and_described_by_its_id_there(self):
        self.share({"UserId": MEMBER})

        self.assertEqual(self.image, self.launch_in_member())
        described = self.as_account(MEMBER, lambda ec2: ec2.describe_images(ImageIds=[self.image])["Images"])
        self.assertEqual([self.image], [image["ImageId"] for image in described])
        self.assertEqual(HUB, described[0]["OwnerId"])

    def test_a_public_image_is_launched_in_any_account(self):
        self.share({"Group": "all"})

        self.assertEqual(self.image, self.launch_in_member())

    def test_an_image_not_shared_with_the_account_is_neither_launched_nor_described_there(self):
        self.share({"UserId": "222222222222"})

        with self.assertRaises(botocore.exceptions.ClientError) as launched:
            self.launch_in_member()
        with self.assertRaises(botocore.exceptions.ClientError) as described:
            self.as_account(MEMBER, lambda ec2: ec2.describe_images(ImageIds=[self.image]))

        self.assertEqual("InvalidAMIID.NotFound", launched.exception.response["Error"]["Code"])
        self.assertEqual("InvalidAMIID.NotFound", described.exception.response["Error"]["Code"])

    def test_the_account_lists_only_its_own_images_without_ids(self):
        self.share({"UserId": MEMBER})

        own = self.as_account(MEMBER, lambda ec2: ec2.describe_images(Owners=["self"])["Images"])

        self.assertEqual([], own)
