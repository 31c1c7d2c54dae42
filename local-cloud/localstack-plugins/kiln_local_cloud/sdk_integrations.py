"""Makes Step Functions' AWS SDK integrations answer as AWS's do: their error names and their timestamps.

Error names. Step Functions names an error of an `arn:aws:states:::aws-sdk:<service>:<action>` task
after the service and the exception class of AWS's Java SDK:
`AutoScaling.InstanceRefreshInProgressException` for the error shape InstanceRefreshInProgressFault,
`AutoScaling.AutoScalingException` for an error the service does not model (Throttling). LocalStack
builds the name from botocore's class, which keeps the shape's name:
`AutoScaling.InstanceRefreshInProgressFaultException`, which a Catch on AWS's name never matches. The
Java SDK names a shape's class by replacing a final "Fault" with "Exception" (or adding "Exception"; a
final "Error" stays: IdempotentParameterMismatchErrorException); the first hook does the same.

Timestamps. A task's result is JSON, so AWS gives a timestamp of the response as an ISO 8601 string in
UTC with milliseconds ("2013-08-23T01:02:15.422Z"). LocalStack keeps botocore's datetime objects in the
state's data: they print in the history, but `States.JsonToString` over them fails the state with
"Object of type datetime is not JSON serializable". The second hook turns them into AWS's strings.

Service names. An integration names its service as AWS's SDKs do (`aws-sdk:elasticloadbalancingv2:modifyListener`),
which LocalStack looks up among botocore's names (`elbv2`): "Unknown service: 'elasticloadbalancingv2'". The
third hook adds the names that differ, and names their errors as AWS does (`ElasticLoadBalancingV2.…`).
"""

import datetime
import logging
from typing import Any

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def java_sdk_name(service: str, error_class: str) -> str:
    """The error name Step Functions gives an SDK integration's error of this botocore class."""
    name = service if error_class == "ClientError" else error_class
    if name.endswith("Fault"):
        name = name[: -len("Fault")]
    return f"{service}.{name}" if name.endswith("Exception") else f"{service}.{name}Exception"


def json_timestamps(value: Any) -> Any:
    """The response with each datetime in it written as AWS writes it in a task's result."""
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, dict):
        return {key: json_timestamps(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_timestamps(item) for item in value]
    return value


# Step Functions' service names (AWS's SDKs') whose botocore name differs, and the prefix of their errors
SERVICE_NAMES = {"elasticloadbalancingv2": ("elbv2", "ElasticLoadBalancingV2")}


def _aws_sdk_task():
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service.state_task_service_aws_sdk import (
        StateTaskServiceAwsSdk,
    )

    return StateTaskServiceAwsSdk


@hooks.on_infra_start()
def name_sdk_errors_as_aws():
    _aws_sdk_task()._normalise_exception_name = staticmethod(
        lambda service, ex: java_sdk_name(service, ex.__class__.__name__))
    LOG.info("Kiln: SDK integrations' errors are named after the Java SDK's exceptions")


@hooks.on_infra_start()
def write_sdk_timestamps_as_aws():
    task = _aws_sdk_task()
    call = task._eval_service_task

    def eval_service_task(self, env, *args, **kwargs):
        call(self, env, *args, **kwargs)
        env.stack.append(json_timestamps(env.stack.pop()))

    task._eval_service_task = eval_service_task
    LOG.info("Kiln: SDK integrations' timestamps are ISO 8601 strings in UTC, as on AWS")


@hooks.on_infra_start()
def know_sdk_service_names_as_aws():
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service import (
        state_task_service, state_task_service_aws_sdk,
    )

    for name, (boto, errors) in SERVICE_NAMES.items():
        state_task_service.StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES[name] = boto
        state_task_service_aws_sdk._SERVICE_ERROR_NAMES[name] = errors
    LOG.info("Kiln: SDK integrations know AWS's service names %s", sorted(SERVICE_NAMES))
