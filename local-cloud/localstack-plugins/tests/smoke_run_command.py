"""Run Command against a running local cloud started with KILN_LOCAL_INSTANCES=sandbox, by hand
(not part of the suite: the integration tests cover it once they run on instance sandboxes):

    KILN_LOCAL_CLOUD_SMOKE=http://127.0.0.1:4566 .cache/local-cloud/venv/bin/python -m unittest tests.smoke_run_command
"""

import json
import os
import time
import unittest
import uuid
from pathlib import Path


class LiveSmokeTest(unittest.TestCase):
    """Against a local cloud with these plugins: launch, agent online, SendCommand, output in S3."""

    def test_a_command_runs_on_a_launched_instance_and_its_output_lands_in_s3(self):
        import boto3

        endpoint = os.environ["KILN_LOCAL_CLOUD_SMOKE"]
        session = boto3.Session(aws_access_key_id="000000000000", aws_secret_access_key="test", region_name="us-east-1")
        iam, ec2, ssm, s3 = (session.client(name, endpoint_url=endpoint) for name in ("iam", "ec2", "ssm", "s3"))
        name = f"kiln-smoke-{uuid.uuid4().hex[:8]}"
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=name, PolicyName="logs", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))
        iam.create_instance_profile(InstanceProfileName=name)
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
        s3.create_bucket(Bucket=name)
        instance_id = ec2.run_instances(ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                        IamInstanceProfile={"Name": name})["Instances"][0]["InstanceId"]
        try:
            deadline = time.monotonic() + 30
            while not ssm.describe_instance_information(
                    Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])["InstanceInformationList"]:
                self.assertLess(time.monotonic(), deadline, "the agent did not come online")
                time.sleep(0.5)
            command_id = ssm.send_command(
                InstanceIds=[instance_id], DocumentName="AWS-RunShellScript", OutputS3BucketName=name, OutputS3KeyPrefix="smoke",
                Parameters={"commands": ["echo hi; id -u; touch /etc/kiln-x", "aws sts get-caller-identity --query Arn --output text"]}
            )["Command"]["CommandId"]
            deadline = time.monotonic() + 60
            while (invocation := self._invocation(ssm, command_id, instance_id))["Status"] in ("Pending", "InProgress"):
                self.assertLess(time.monotonic(), deadline, "the command did not end")
                time.sleep(0.5)

            self.assertEqual(("Success", 0), (invocation["Status"], invocation["ResponseCode"]), invocation["StandardErrorContent"])
            self.assertEqual(["hi", "0", f"arn:aws:sts::000000000000:assumed-role/{name}/{instance_id}"],
                             invocation["StandardOutputContent"].splitlines())
            key = f"smoke/{command_id}/{instance_id}/awsrunShellScript/0.awsrunShellScript/stdout"
            self.assertEqual(invocation["StandardOutputContent"], s3.get_object(Bucket=name, Key=key)["Body"].read().decode())
            self.assertFalse(Path("/etc/kiln-x").exists())
        finally:
            ec2.terminate_instances(InstanceIds=[instance_id])

    @staticmethod
    def _invocation(ssm, command_id, instance_id):
        try:
            return ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        except ssm.exceptions.InvocationDoesNotExist:
            return {"Status": "Pending"}



if __name__ == "__main__":
    unittest.main()
