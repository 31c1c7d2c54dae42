"""What the generators share: integration ARNs, every retry and catch policy, one builder per state type,
the failure ending, and writing the files. The polling loops are in polling.py.

Builders take keyword arguments only and put the fields in the order the deployed JSON has them (Comment,
Type, ..., Next or End), so a machine's file says what each state does and never how its keys are laid out.
"""
import json, pathlib, sys

# --- resources ---------------------------------------------------------------------------------------
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def sdk(service, action):
    """An AWS SDK integration: any API action, its errors named <Service>.<Exception>."""
    return f"arn:aws:states:::aws-sdk:{service}:{action}"


def integration(service, action):
    """An optimized integration (dynamodb:putItem, events:putEvents, sns:publish, states:startExecution.sync:2...)."""
    return f"arn:aws:states:::{service}:{action}"


# --- retries: AWS services ------------------------------------------------------------------------------
LAMBDA_RETRY = {"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                                "Lambda.TooManyRequestsException"],
                "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
# AWS names SDK integration errors in PascalCase (Ec2.*, Ssm.*); LocalStack by service id (EC2.*, SSM.*)
SSM_RETRY = {"ErrorEquals": ["Ssm.ThrottlingException", "Ssm.InternalServerErrorException",
                             "SSM.ThrottlingException", "SSM.InternalServerErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2, "JitterStrategy": "FULL"}
# the SDK integration reports any EC2 error (throttling, capacity, a refused request) as Ec2Exception
EC2_ERRORS = ["Ec2.Ec2Exception", "EC2.EC2Exception"]
EC2_RETRY = {"ErrorEquals": EC2_ERRORS, "IntervalSeconds": 3, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}
# Auto Scaling throttles with a 400 "Rate exceeded" (AutoScalingException); ResourceContention is its other transient
ASG_RETRY = {"ErrorEquals": ["AutoScaling.ResourceContentionException", "AutoScaling.AutoScalingException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
# Auto Scaling throttles by account and region: rotating many groups at once retries patiently, with
# full jitter, over minutes (5 s doubling to 2 minutes, 8 times: up to about 8.5 minutes per call)
ASG_PATIENT_RETRY = dict(ASG_RETRY, IntervalSeconds=5, MaxAttempts=8, MaxDelaySeconds=120)
DDB_RETRY = {"ErrorEquals": ["DynamoDb.ProvisionedThroughputExceededException", "DynamoDb.InternalServerErrorException",
                             "DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.InternalServerErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
# bake's older policy, kept as deployed: the DynamoDB.* spelling only, ThrottlingException too, no jitter
DDB_THROTTLING_RETRY = {"ErrorEquals": ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException",
                                        "DynamoDB.InternalServerErrorException"],
                        "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}
# putEvents fails a call whose entry EventBridge refused with EventBridge.FailedEntry: retried like a service error
EVENTS_PUT_RETRY = {"ErrorEquals": ["EventBridge.InternalException", "EventBridge.EventBridgeException", "EventBridge.FailedEntry"],
                    "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL"}
# bake's older policy, kept as deployed: service errors only (a refused entry is not retried), 4 tries, no jitter
EVENTS_SERVICE_RETRY = {"ErrorEquals": ["EventBridge.InternalException", "EventBridge.EventBridgeException"],
                        "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}
SNS_RETRY = {"ErrorEquals": ["Sns.ThrottledException", "SNS.ThrottledException", "Sns.InternalErrorException", "SNS.InternalErrorException"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}
S3_RETRY = {"ErrorEquals": ["S3.S3Exception", "S3.SdkClientException"], "IntervalSeconds": 2,
            "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}

# --- retries: Kiln's functions (Lambda reports a Java error by its class name) ----------------------------
GITHUB_UNAVAILABLE_RETRY = {"ErrorEquals": ["dev.kiln.sourcefetch.errors.GitHubUnavailableException"],
                            "IntervalSeconds": 10, "MaxAttempts": 4, "BackoffRate": 3, "JitterStrategy": "FULL"}
# rotate-group pins an image in a launch template version: EC2 throttles it as Auto Scaling does
EC2_THROTTLED_RETRY = {"ErrorEquals": ["dev.kiln.rotategroup.errors.Ec2ThrottledException"], "IntervalSeconds": 5,
                       "MaxAttempts": 8, "BackoffRate": 2, "MaxDelaySeconds": 120, "JitterStrategy": "FULL"}
# a bake's cleanup must run: any error, six times, from 5 s
CLEANUP_RETRY = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL"}

# --- catches -----------------------------------------------------------------------------------------------
ALL_ERRORS = ["States.ALL"]
# A poll that fails for one of these is a missed ask, not a failure: the loop asks again and counts it,
# so a polling loop needs no Retry (each retry would cost its history three more events per ask)
SSM_MISSED = SSM_RETRY["ErrorEquals"]
EC2_MISSED = EC2_ERRORS
ASG_MISSED = ASG_RETRY["ErrorEquals"]


def catch_to(next, *, errors=ALL_ERRORS, result_path="$.error"):
    """A Catch: on `errors` (any, unless named), the error goes to result_path and the execution to `next`."""
    return {"ErrorEquals": errors, "ResultPath": result_path, "Next": next}


def missed(errors, next):
    """A Catch that counts a failed poll as a missed ask and goes on to the loop's bound check."""
    return catch_to(next, errors=errors, result_path="$.missed")


# --- states ----------------------------------------------------------------------------------------------
_UNSET = object()  # a ResultPath or Result left out (not null, which ResultPath reads as "discard the result")


def _state(type_, comment):
    return {"Comment": comment, "Type": type_} if comment else {"Type": type_}


def _fields(state, **fields):
    """Adds the fields given, in order, but those left out: _UNSET, None (but a ResultPath or Result of None, which
    Step Functions reads), and an empty list of retriers or catchers."""
    for key, value in fields.items():
        if value is not _UNSET and (value is not None or key in ("ResultPath", "Result")) \
                and not (key in ("Retry", "Catch") and not value):
            state[key] = value
    return state


def _then(state, next, end):
    if (next is None) == (not end):
        raise ValueError(f"a {state['Type']} state needs exactly one of next= and end=True")
    if end:
        state["End"] = True
    else:
        state["Next"] = next
    return state


def task(*, resource, parameters, timeout_seconds_path=None, result_selector=None, result_path=_UNSET, retry=None, catch=None,
         output_path=None, next=None, end=False, comment=None):
    """A Task. result_path=None discards the result; left out, the result replaces the state's input.
    timeout_seconds_path bounds the task (a .waitForTaskToken task's wait) by a number in the state."""
    state = _fields(_state("Task", comment), Resource=resource, Parameters=parameters,
                    TimeoutSecondsPath=timeout_seconds_path, ResultSelector=result_selector,
                    ResultPath=result_path, Retry=retry, Catch=catch, OutputPath=output_path)
    return _then(state, next, end)


def lambda_task(*, function, payload, **fields):
    """A Task that invokes one of Kiln's functions (function="${<Name>FunctionArn}", substituted by CDK) with
    `payload`; its answer is at $.Payload. The other fields are task()'s."""
    return task(resource=LAMBDA_INVOKE, parameters={"FunctionName": function, "Payload": payload}, **fields)


def wait_for_token(*, function, payload, **fields):
    """A Task that invokes one of Kiln's functions with `payload` (which carries $$.Task.Token) and waits until
    someone sends the task its result (SendTaskSuccess) or failure; the other fields are task()'s."""
    return task(resource=LAMBDA_INVOKE + ".waitForTaskToken", parameters={"FunctionName": function, "Payload": payload},
                **fields)


def pass_state(*, parameters=None, result=_UNSET, result_path=_UNSET, next=None, end=False, comment=None):
    """A Pass: `parameters` (paths resolved) or a literal `result`, put at result_path (left out: the output)."""
    return _then(_fields(_state("Pass", comment), Parameters=parameters, Result=result, ResultPath=result_path), next, end)


def choice(*, choices, default, comment=None):
    state = _state("Choice", comment)
    state["Choices"] = choices
    state["Default"] = default
    return state


def wait(*, seconds_path, next):
    return {"Type": "Wait", "SecondsPath": seconds_path, "Next": next}


def fail(*, error_path, cause_path):
    return {"Type": "Fail", "ErrorPath": error_path, "CausePath": cause_path}


def parallel(*, branches, result_selector=None, result_path=_UNSET, catch=None, next, comment=None):
    return _fields(_state("Parallel", comment),
                   Branches=[{"StartAt": _start_at(states), "States": states} for states in branches],
                   ResultSelector=result_selector, ResultPath=result_path, Catch=catch, Next=next)


def inline(states):
    """A Map's processor that runs each item in the parent's execution (its history counts there)."""
    return {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": _start_at(states), "States": states}


def distributed(states, *, execution_type="STANDARD"):
    """A Map's processor that runs each item as a child execution, with a history of its own."""
    return {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type}, "StartAt": _start_at(states),
            "States": states}


def map_state(*, processor, items_path=None, item_reader=None, max_concurrency=None, max_concurrency_path=None,
              tolerated_failure_percentage=None, item_selector=None, label=None, result_path=_UNSET, catch=None,
              next, comment=None):
    """A Map over items_path (in the state) or item_reader (from S3), each item through `processor`."""
    return _fields(_state("Map", comment), ItemsPath=items_path, ItemReader=item_reader, MaxConcurrency=max_concurrency,
                   MaxConcurrencyPath=max_concurrency_path, ToleratedFailurePercentage=tolerated_failure_percentage,
                   ItemSelector=item_selector, ItemProcessor=processor, Label=label, ResultPath=result_path,
                   Catch=catch, Next=next)


def _start_at(states):
    """Where `states` start: the first one, since every file lists its states in the order they run."""
    return next(iter(states))


def machine(*, comment, timeout_seconds, states):
    """A state machine definition, starting at its first state."""
    return {"Comment": comment, "StartAt": _start_at(states), "TimeoutSeconds": timeout_seconds, "States": states}


def states_format(template, *paths):
    """The intrinsic States.Format('<template>', <path>, ...): each {} in the template takes the next path."""
    return "States.Format('%s', %s)" % (template, ", ".join(paths))


# --- the failure ending ---------------------------------------------------------------------------------------
def failure_states():
    """FailureName, ReservedName, Failed: fail with $.error; States.* names (reserved) are raised as Kiln.States.*."""
    return {
        "FailureName": choice(
            comment="States.* names are reserved for Step Functions: a Fail state raises them as Kiln.States.*",
            choices=[{"Variable": "$.error.Error", "StringMatches": "States.*", "Next": "ReservedName"}],
            default="Failed"),
        "ReservedName": pass_state(
            parameters={"Error.$": "States.Format('Kiln.{}', $.error.Error)", "Cause.$": "$.error.Cause"},
            result_path="$.error", next="Failed"),
        "Failed": fail(error_path="$.error.Error", cause_path="$.error.Cause"),
    }


# --- writing the files ------------------------------------------------------------------------------------------
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
