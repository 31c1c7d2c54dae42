"""What the generators share: retries, SDK integration ARNs, the failure ending, and writing the files."""
import json, pathlib, sys
from collections import OrderedDict as O

LAMBDA_RETRY = {"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                                "Lambda.TooManyRequestsException"],
                "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
# AWS names SDK integration errors in PascalCase (Ec2.*, Ssm.*); LocalStack by service id (EC2.*, SSM.*)
SSM_RETRY = {"ErrorEquals": ["Ssm.ThrottlingException", "Ssm.InternalServerErrorException",
                             "SSM.ThrottlingException", "SSM.InternalServerErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2, "JitterStrategy": "FULL"}
# Auto Scaling throttles with a 400 "Rate exceeded" (AutoScalingException); ResourceContention is its other transient
ASG_RETRY = {"ErrorEquals": ["AutoScaling.ResourceContentionException", "AutoScaling.AutoScalingException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
# Auto Scaling throttles by account and region: rotating many groups at once retries patiently, with
# full jitter, over minutes (5 s doubling to 2 minutes, 8 times: up to about 8.5 minutes per call)
ASG_PATIENT_RETRY = dict(ASG_RETRY, IntervalSeconds=5, MaxAttempts=8, MaxDelaySeconds=120)
DDB_RETRY = {"ErrorEquals": ["DynamoDb.ProvisionedThroughputExceededException", "DynamoDb.InternalServerErrorException",
                             "DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.InternalServerErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
EVENTS_PUT_RETRY = {"ErrorEquals": ["EventBridge.InternalException", "EventBridge.EventBridgeException", "EventBridge.FailedEntry"],
                    "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL"}
# A poll that fails for one of these is a missed ask, not a failure: the loop asks again and counts it,
# so a polling loop needs no Retry (each retry would cost its history three more events per ask)
SSM_MISSED = SSM_RETRY["ErrorEquals"]
EC2_MISSED = ["Ec2.Ec2Exception", "EC2.EC2Exception"]
ASG_MISSED = ASG_RETRY["ErrorEquals"]
SNS_RETRY = {"ErrorEquals": ["Sns.ThrottledException", "SNS.ThrottledException", "Sns.InternalErrorException", "SNS.InternalErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}


def missed(errors, nxt):
    """A Catch that counts a failed poll as a missed ask and goes on to the loop's bound check."""
    return {"ErrorEquals": errors, "ResultPath": "$.missed", "Next": nxt}


def sdk(service, action):
    return f"arn:aws:states:::aws-sdk:{service}:{action}"


def failure_states():
    """FailureName, ReservedName, Failed: fail with $.error; States.* names (reserved) are raised as Kiln.States.*."""
    return O([
        ("FailureName", O([("Comment", "States.* names are reserved for Step Functions: a Fail state raises them as Kiln.States.*"),
            ("Type", "Choice"),
            ("Choices", [{"Variable": "$.error.Error", "StringMatches": "States.*", "Next": "ReservedName"}]),
            ("Default", "Failed")])),
        ("ReservedName", O([("Type", "Pass"),
            ("Parameters", {"Error.$": "States.Format('Kiln.{}', $.error.Error)", "Cause.$": "$.error.Cause"}),
            ("ResultPath", "$.error"), ("Next", "Failed")])),
        ("Failed", O([("Type", "Fail"), ("ErrorPath", "$.error.Error"), ("CausePath", "$.error.Cause")])),
    ])


def main(script, definitions):
    """{workflow: () -> definition}: --write writes statemachines/<workflow>.asl.json for each; a workflow's
    name (or nothing, when there is one) prints it."""
    def render(workflow):
        return json.dumps(definitions[workflow](), indent=2) + "\n"
    args = sys.argv[1:]
    if args == ["--write"]:
        for workflow in definitions:
            (pathlib.Path(script).resolve().parent.parent / f"{workflow}.asl.json").write_text(render(workflow))
    elif len(args) == 1 and args[0] in definitions:
        sys.stdout.write(render(args[0]))
    elif not args and len(definitions) == 1:
        sys.stdout.write(render(next(iter(definitions))))
    else:
        sys.exit(f"usage: {pathlib.Path(script).name} --write | " + " | ".join(definitions))
