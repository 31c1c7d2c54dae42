"""CreateLaunchTemplateVersion's new version: the source version's parameters, with the request's in their place."""

import unittest

from kiln_local_cloud.launch_template_versions import based_on


class BasedOnTest(unittest.TestCase):
    SOURCE = {"ImageId": "ami-0old", "InstanceType": "t4g.small",
              "IamInstanceProfile": {"Arn": "arn:aws:iam::000000000000:instance-profile/web"},
              "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "kiln:role", "Value": "web"}]}]}

    def test_a_new_image_keeps_every_other_parameter_of_the_source(self):
        self.assertEqual({**self.SOURCE, "ImageId": "ami-0new"}, based_on(self.SOURCE, {"ImageId": "ami-0new"}))

    def test_a_parameter_the_request_names_replaces_the_sources_whole(self):
        merged = based_on(self.SOURCE, {"TagSpecifications": [{"ResourceType": "volume", "Tags": []}]})
        self.assertEqual([{"ResourceType": "volume", "Tags": []}], merged["TagSpecifications"])
        self.assertEqual("t4g.small", merged["InstanceType"])

    def test_the_source_is_left_as_it_was(self):
        based_on(self.SOURCE, {"ImageId": "ami-0new"})["IamInstanceProfile"]["Arn"] = "changed"
        self.assertEqual("ami-0old", self.SOURCE["ImageId"])
        self.assertEqual("arn:aws:iam::000000000000:instance-profile/web", self.SOURCE["IamInstanceProfile"]["Arn"])


if __name__ == "__main__":
    unittest.main()
