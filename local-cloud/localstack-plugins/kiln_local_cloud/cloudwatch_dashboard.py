"""AWS::CloudWatch::Dashboard in the local cloud's CloudFormation, as CloudFormation makes it.

LocalStack core has a CloudWatch PutDashboard but no CloudFormation resource provider for
AWS::CloudWatch::Dashboard: it "deploys" one as nothing. This provider puts the dashboard with
PutDashboard (so a body CloudWatch refuses fails the deployment, as on AWS), puts it again on an
update, and deletes it with its stack. A dashboard without DashboardName gets a generated one, as
CloudFormation gives it; a new name replaces the dashboard.
"""

from localstack.services.cloudformation import provider_utils
from localstack.services.cloudformation.resource_provider import (
    CloudFormationResourceProviderPlugin,
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceRequest,
)

TYPE = "AWS::CloudWatch::Dashboard"


class DashboardProvider(ResourceProvider[dict]):
    TYPE = TYPE
    # the parts of the resource type's schema (cloudformation describe-type) that the engine reads
    SCHEMA = {
        "typeName": TYPE,
        "properties": {"DashboardName": {"type": "string"}, "DashboardBody": {"type": "string"}},
        "required": ["DashboardBody"],
        "primaryIdentifier": ["/properties/DashboardName"],
        "createOnlyProperties": ["/properties/DashboardName"],
    }

    def create(self, request: ResourceRequest[dict]) -> ProgressEvent[dict]:
        model = request.desired_state
        if not model.get("DashboardName"):
            model["DashboardName"] = provider_utils.generate_default_name(
                stack_name=request.stack_name, logical_resource_id=request.logical_resource_id)
        return self._put(request, model)

    def update(self, request: ResourceRequest[dict]) -> ProgressEvent[dict]:
        model = request.desired_state
        model["DashboardName"] = model.get("DashboardName") or request.previous_state["DashboardName"]
        return self._put(request, model)

    def delete(self, request: ResourceRequest[dict]) -> ProgressEvent[dict]:
        model = request.desired_state
        request.aws_client_factory.cloudwatch.delete_dashboards(DashboardNames=[model["DashboardName"]])
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model, custom_context=request.custom_context)

    def read(self, request: ResourceRequest[dict]) -> ProgressEvent[dict]:
        raise NotImplementedError

    @staticmethod
    def _put(request: ResourceRequest[dict], model: dict) -> ProgressEvent[dict]:
        request.aws_client_factory.cloudwatch.put_dashboard(
            DashboardName=model["DashboardName"], DashboardBody=model["DashboardBody"])
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model, custom_context=request.custom_context)


class DashboardProviderPlugin(CloudFormationResourceProviderPlugin):
    name = TYPE

    def __init__(self):
        self.factory = None

    def load(self):
        self.factory = DashboardProvider
