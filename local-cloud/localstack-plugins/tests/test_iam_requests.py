"""What IAM checks for each call Kiln makes, as AWS's Service Authorization Reference lists it."""

import unittest

from kiln_local_cloud.iam_requests import authorizations

ACCOUNT, REGION = "000000000000", "us-east-1"


class FakeLookups:
    def __init__(self, tags=None):
        self.tags = tags or {}

    def ec2_tags(self, resource_id):
        return self.tags.get(resource_id, {})

    def instance_profile_role_arn(self, profile):
        return "arn:aws:iam::000000000000:role/builder" if profile.get("Arn", "").endswith("/builder") else None

    def secret_arn(self, secret_id):
        return f"arn:aws:secretsmanager:us-east-1:000000000000:secret:{secret_id}-AbCdEf"

    def launch_template_id(self, name):
        return "lt-0123" if name == "web" else None

    def auto_scaling_group(self, name):
        arn = f"arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:uuid-1:autoScalingGroupName/{name}"
        return (arn, {"kiln:role": "web"}) if name == "web" else None

    def auto_scaling_group_subnets(self, name):
        return ["subnet-1", "subnet-2"] if name == "web" else []

    def launch_template_data(self, template_id, version):
        if template_id != "lt-0123":
            return None
        return {"ImageId": "ami-2" if version == "2" else "ami-1", "SecurityGroupIds": ["sg-1"],
                "IamInstanceProfile": {"Arn": "arn:aws:iam::000000000000:instance-profile/builder"},
                "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "web"}]},
                                      {"ResourceType": "launch-template", "Tags": [{"Key": "kiln:role", "Value": "web"}]}]}


    def kms_key_arn(self, alias_arn):
        known = {"arn:aws:kms:ap-northeast-3:000000000000:alias/kiln-images":
                 "arn:aws:kms:ap-northeast-3:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        return known.get(alias_arn)


def checks(service, operation, params, lookups=None):
    found, known = authorizations(service, operation, params, ACCOUNT, REGION, lookups or FakeLookups())
    return [(c.action, c.resource, c.context) for c in found], known


class DistributionTest(unittest.TestCase):
    def test_copy_image_is_checked_on_the_new_image_here_and_on_the_source_in_its_region(self):
        tags = [{"Key": "kiln:source-image", "Value": "ami-1"}]
        found, known = checks("ec2", "CopyImage", {"SourceRegion": "ap-northeast-1", "SourceImageId": "ami-1", "Name": "web",
                                                   "TagSpecifications": [{"ResourceType": "image", "Tags": tags},
                                                                         {"ResourceType": "snapshot", "Tags": tags}]})
        self.assertTrue(known)
        self.assertEqual([("ec2:CopyImage", "arn:aws:ec2:us-east-1::image/*"),
                          ("ec2:CopyImage", "arn:aws:ec2:ap-northeast-1::image/ami-1"),
                          ("ec2:CreateTags", "arn:aws:ec2:us-east-1::image/*"),
                          ("ec2:CreateTags", "arn:aws:ec2:us-east-1::snapshot/*")], [(a, r) for a, r, _ in found])
        self.assertEqual("CopyImage", found[2][2]["ec2:createaction"])
        self.assertEqual("ami-1", found[3][2]["aws:requesttag/kiln:source-image"])

    def test_sharing_an_image_or_a_snapshot_is_checked_on_it_with_its_tags(self):
        lookups = FakeLookups({"ami-2": {"kiln:source-image": "ami-1"}, "snap-2": {"kiln:source-image": "ami-1"}})
        image, _ = checks("ec2", "ModifyImageAttribute", {"ImageId": "ami-2"}, lookups)
        snapshot, _ = checks("ec2", "ModifySnapshotAttribute", {"SnapshotId": "snap-2"}, lookups)
        self.assertEqual(("ec2:ModifyImageAttribute", "arn:aws:ec2:us-east-1::image/ami-2"), image[0][:2])
        self.assertEqual("ami-1", image[0][2]["aws:resourcetag/kiln:source-image"])
        self.assertEqual(("ec2:ModifySnapshotAttribute", "arn:aws:ec2:us-east-1::snapshot/snap-2"), snapshot[0][:2])

    def test_a_key_named_by_its_alias_is_checked_on_the_key_it_points_to(self):
        key = "arn:aws:kms:ap-northeast-3:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        found, known = authorizations("kms", "DescribeKey", {"KeyId": "alias/kiln-images"}, ACCOUNT, "ap-northeast-3",
                                      FakeLookups())
        self.assertTrue(known)
        self.assertEqual([("kms:DescribeKey", key)], [(c.action, c.resource) for c in found])
        grant, _ = authorizations("kms", "CreateGrant", {"KeyId": key, "GranteePrincipal": "arn:aws:iam::222222222222:root"},
                                  ACCOUNT, "ap-northeast-3", FakeLookups())
        self.assertEqual([("kms:CreateGrant", key)], [(c.action, c.resource) for c in grant])
        unknown, _ = authorizations("kms", "DescribeKey", {"KeyId": "alias/missing"}, ACCOUNT, "ap-northeast-3", FakeLookups())
        self.assertEqual([("kms:DescribeKey", "arn:aws:kms:ap-northeast-3:000000000000:alias/missing")],
                         [(c.action, c.resource) for c in unknown])


class Ec2Test(unittest.TestCase):
    def test_run_instances_is_checked_on_every_resource_it_uses_or_makes(self):
        params = {
            "ImageId": "ami-1", "SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"],
            "IamInstanceProfile": {"Arn": "arn:aws:iam::000000000000:instance-profile/builder"},
            "InstanceMarketOptions": {"MarketType": "spot"},
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "kiln:build-id", "Value": "b1"}]}],
        }
        found, known = checks("ec2", "RunInstances", params, FakeLookups({"ami-1": {"kiln:role": "base"}}))
        resources = {(a, r) for a, r, _ in found}
        self.assertTrue(known)
        self.assertEqual({
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:instance/*"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:volume/*"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:network-interface/*"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:subnet/subnet-1"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:security-group/sg-1"),
            ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:spot-instances-request/*"),
            ("ec2:CreateTags", "arn:aws:ec2:us-east-1:000000000000:instance/*"),
            ("iam:PassRole", "arn:aws:iam::000000000000:role/builder"),
        }, resources)
        by_resource = {(a, r): c for a, r, c in found}
        instance = by_resource[("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:instance/*")]
        self.assertEqual("b1", instance["aws:requesttag/kiln:build-id"])
        self.assertEqual(["kiln:build-id"], instance["aws:tagkeys"])
        self.assertNotIn("aws:tagkeys", by_resource[("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:volume/*")])
        self.assertEqual("base", by_resource[("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1")]["ec2:resourcetag/kiln:role"])
        self.assertEqual("RunInstances", by_resource[("ec2:CreateTags", "arn:aws:ec2:us-east-1:000000000000:instance/*")]["ec2:createaction"])
        self.assertEqual("ec2.amazonaws.com", by_resource[("iam:PassRole", "arn:aws:iam::000000000000:role/builder")]["iam:passedtoservice"])

    def test_run_instances_from_a_launch_template_names_it_in_every_check(self):
        found, _ = checks("ec2", "RunInstances", {"LaunchTemplate": {"LaunchTemplateName": "web"}},
                          FakeLookups({"lt-0123": {"kiln:role": "web"}}))
        template = "arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0123"
        self.assertIn(("ec2:RunInstances", template), [(a, r) for a, r, _ in found])
        self.assertEqual({template}, {c["ec2:launchtemplate"] for a, _, c in found if a == "ec2:RunInstances"})
        self.assertEqual("web", [c for _, r, c in found if r == template][0]["aws:resourcetag/kiln:role"])

    def test_create_image_is_checked_on_the_instance_the_image_and_its_snapshots(self):
        params = {"InstanceId": "i-1", "TagSpecifications": [
            {"ResourceType": "image", "Tags": [{"Key": "kiln:build-id", "Value": "b1"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "kiln:build-id", "Value": "b1"}]}]}
        found, _ = checks("ec2", "CreateImage", params, FakeLookups({"i-1": {"kiln:build-id": "b1"}}))
        self.assertEqual([
            ("ec2:CreateImage", "arn:aws:ec2:us-east-1:000000000000:instance/i-1"),
            ("ec2:CreateImage", "arn:aws:ec2:us-east-1::image/*"),
            ("ec2:CreateImage", "arn:aws:ec2:us-east-1::snapshot/*"),
            ("ec2:CreateTags", "arn:aws:ec2:us-east-1::image/*"),
            ("ec2:CreateTags", "arn:aws:ec2:us-east-1::snapshot/*"),
        ], [(a, r) for a, r, _ in found])
        self.assertEqual("b1", found[0][2]["aws:resourcetag/kiln:build-id"])
        self.assertEqual("CreateImage", found[4][2]["ec2:createaction"])

    def test_create_tags_on_an_existing_resource_has_no_create_action(self):
        found, _ = checks("ec2", "CreateTags", {"Resources": ["snap-1"], "Tags": [{"Key": "kiln:role", "Value": "web"}]})
        action, resource, context = found[0]
        self.assertEqual("arn:aws:ec2:us-east-1::snapshot/snap-1", resource)
        self.assertNotIn("ec2:createaction", context)
        self.assertEqual("web", context["aws:requesttag/kiln:role"])

    def test_a_launch_template_named_by_name_is_checked_by_its_id_and_tags(self):
        found, _ = checks("ec2", "CreateLaunchTemplateVersion", {"LaunchTemplateName": "web"},
                          FakeLookups({"lt-0123": {"kiln:role": "web"}}))
        self.assertEqual("arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0123", found[0][1])
        self.assertEqual("web", found[0][2]["aws:resourcetag/kiln:role"])

    def test_describe_calls_have_no_resource_level_permissions(self):
        self.assertEqual(([("ec2:DescribeImages", "*", {})], True), checks("ec2", "DescribeImages", {}))


class OtherServicesTest(unittest.TestCase):
    def test_send_command_is_checked_on_the_document_and_each_tagged_instance(self):
        found, _ = checks("ssm", "SendCommand", {"DocumentName": "AWS-RunShellScript", "InstanceIds": ["i-1"]},
                          FakeLookups({"i-1": {"kiln:build-id": "b"}}))
        self.assertEqual("arn:aws:ssm:us-east-1::document/AWS-RunShellScript", found[0][1])
        self.assertEqual("arn:aws:ec2:us-east-1:000000000000:instance/i-1", found[1][1])
        self.assertEqual("b", found[1][2]["ssm:resourcetag/kiln:build-id"])

    def test_public_parameters_belong_to_no_account(self):
        found, _ = checks("ssm", "GetParameter", {"Name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"})
        self.assertEqual("arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", found[0][1])
        found, _ = checks("ssm", "GetParametersByPath", {"Path": "/kiln/images/"})
        self.assertEqual("arn:aws:ssm:us-east-1:000000000000:parameter/kiln/images", found[0][1])

    def test_put_events_is_checked_per_entry_with_its_source_and_detail_type(self):
        found, _ = checks("events", "PutEvents", {"Entries": [
            {"EventBusName": "kiln", "Source": "kiln.bake", "DetailType": "Image Baked"},
            {"Source": "kiln.x", "DetailType": "Y"}]})
        self.assertEqual("arn:aws:events:us-east-1:000000000000:event-bus/kiln", found[0][1])
        self.assertEqual({"events:source": "kiln.bake", "events:detail-type": "Image Baked"}, found[0][2])
        self.assertEqual("arn:aws:events:us-east-1:000000000000:event-bus/default", found[1][1])

    def test_a_step_functions_test_case_is_checked_as_its_state_machine(self):
        found, _ = checks("stepfunctions", "StartExecution",
                          {"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-bake#HappyPath"})
        self.assertEqual([("states:StartExecution", "arn:aws:states:us-east-1:000000000000:stateMachine:kiln-bake", {})], found)

    def test_invoke_is_checked_as_invoke_function_on_the_qualified_arn(self):
        self.assertEqual("arn:aws:lambda:us-east-1:000000000000:function:kiln-notify",
                         checks("lambda", "Invoke", {"FunctionName": "kiln-notify"})[0][0][1])
        self.assertEqual("arn:aws:lambda:us-east-1:000000000000:function:kiln-notify:live",
                         checks("lambda", "Invoke", {"FunctionName": "kiln-notify", "Qualifier": "live"})[0][0][1])
        self.assertEqual("lambda:InvokeFunction", checks("lambda", "Invoke", {"FunctionName": "f"})[0][0][0])

    def test_s3_calls_are_checked_with_iams_action_names(self):
        self.assertEqual([("s3:GetObject", "arn:aws:s3:::b/bundles/x.tar.gz", {})],
                         checks("s3", "HeadObject", {"Bucket": "b", "Key": "bundles/x.tar.gz"})[0])
        self.assertEqual([("s3:ListBucket", "arn:aws:s3:::b", {})], checks("s3", "ListObjectsV2", {"Bucket": "b"})[0])

    def test_secrets_are_checked_by_their_full_arn(self):
        found, _ = checks("secretsmanager", "GetSecretValue", {"SecretId": "kiln/env/web"})
        self.assertEqual("arn:aws:secretsmanager:us-east-1:000000000000:secret:kiln/env/web-AbCdEf", found[0][1])

    def test_a_dynamodb_batch_is_checked_once_per_table(self):
        found, _ = checks("dynamodb", "BatchGetItem", {"RequestItems": {"a": {}, "b": {}}})
        self.assertEqual(["arn:aws:dynamodb:us-east-1:000000000000:table/a", "arn:aws:dynamodb:us-east-1:000000000000:table/b"],
                         [r for _, r, _ in found])

    def test_a_lifecycle_action_is_checked_on_its_group_with_the_groups_tags(self):
        found, known = checks("autoscaling", "CompleteLifecycleAction", {"AutoScalingGroupName": "web"})
        self.assertTrue(known)
        self.assertEqual(found, [("autoscaling:CompleteLifecycleAction",
                                  "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:uuid-1:autoScalingGroupName/web",
                                  {"aws:resourcetag/kiln:role": "web", "autoscaling:resourcetag/kiln:role": "web"})])
        self.assertEqual(checks("autoscaling", "DescribeInstanceRefreshes", {"AutoScalingGroupName": "web"})[0],
                         [("autoscaling:DescribeInstanceRefreshes", "*", {})])

    def test_a_refresh_to_a_launch_template_is_checked_as_the_launches_its_version_would_make(self):
        params = {"AutoScalingGroupName": "web", "DesiredConfiguration": {
            "LaunchTemplate": {"LaunchTemplateId": "lt-0123", "Version": "2"}}}
        found, known = checks("autoscaling", "StartInstanceRefresh", params, FakeLookups({"lt-0123": {"kiln:role": "web"}}))
        self.assertTrue(known)
        resources = [(a, r) for a, r, _ in found]
        self.assertEqual(("autoscaling:StartInstanceRefresh",
                          "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:uuid-1:autoScalingGroupName/web"),
                         resources[0])
        for expected in [("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0123"),
                         ("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-2"),
                         ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:subnet/subnet-1"),
                         ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:subnet/subnet-2"),
                         ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:security-group/sg-1"),
                         ("ec2:RunInstances", "arn:aws:ec2:us-east-1:000000000000:instance/*"),
                         ("ec2:CreateTags", "arn:aws:ec2:us-east-1:000000000000:instance/*"),
                         ("iam:PassRole", "arn:aws:iam::000000000000:role/builder")]:
            self.assertIn(expected, resources)
        self.assertNotIn(("ec2:CreateTags", "arn:aws:ec2:us-east-1:000000000000:launch-template/*"), resources,
                         "the template's own tags are not the launch's")
        self.assertEqual("web", [c for _, r, c in found if r.endswith("launch-template/lt-0123")][0]["aws:resourcetag/kiln:role"])

    def test_a_refresh_without_a_desired_configuration_is_checked_on_the_group_alone(self):
        found, _ = checks("autoscaling", "StartInstanceRefresh", {"AutoScalingGroupName": "web"})
        self.assertEqual(["autoscaling:StartInstanceRefresh"], [a for a, _, _ in found])

    def test_an_unknown_call_is_checked_on_star_and_said_to_be_unknown(self):
        self.assertEqual(([("kms:Decrypt", "*", {})], False), checks("kms", "Decrypt", {"KeyId": "k"}))
        self.assertEqual(([("states:CreateActivity", "*", {})], False), checks("stepfunctions", "CreateActivity", {}))

    def test_a_load_balancer_describe_is_an_elasticloadbalancing_action_on_star(self):
        self.assertEqual(([("elasticloadbalancing:DescribeTargetHealth", "*", {})], True),
                         checks("elbv2", "DescribeTargetHealth", {"TargetGroupArn": "arn"}))

    def test_a_listener_or_rule_change_is_checked_on_the_listener_or_rule_it_names(self):
        listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
        rule = listener.replace(":listener/", ":listener-rule/") + "/9683b2d02a6cabee"
        self.assertEqual(([("elasticloadbalancing:ModifyListener", listener, {})], True),
                         checks("elbv2", "ModifyListener", {"ListenerArn": listener, "DefaultActions": []}))
        self.assertEqual(([("elasticloadbalancing:DeleteRule", rule, {})], True), checks("elbv2", "DeleteRule", {"RuleArn": rule}))
        found, known = checks("elbv2", "CreateRule", {"ListenerArn": listener, "Priority": 1,
                                                      "Tags": [{"Key": "kiln:role", "Value": "web"}]})
        self.assertTrue(known)
        self.assertEqual([("elasticloadbalancing:CreateRule", listener)], [(a, r) for a, r, _ in found])
        self.assertEqual("web", found[0][2]["aws:requesttag/kiln:role"])


if __name__ == "__main__":
    unittest.main()
