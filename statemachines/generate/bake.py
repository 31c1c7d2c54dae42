"""Generates statemachines/bake.asl.json: one role's golden image from one commit.

Plan → source bundle and parent image → a spot builder, online in Systems Manager → Run Command: provision,
record → stop → image → the server tests on a fresh instance of the image → record → publish (SSM pointer,
pinned launch template versions, ledger, Image Baked). Any failure ends in Cleanup, then Bake Failed.

Edit this file, not the JSON, then: python3 statemachines/generate/bake.py --write
(python3 bake.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from asl import (CLEANUP_RETRY, DDB_THROTTLING_RETRY, EC2_ERRORS, EC2_MISSED, EC2_RETRY, EVENTS_SERVICE_RETRY,
                 GITHUB_UNAVAILABLE_RETRY, LAMBDA_RETRY, SSM_RETRY, catch_to, choice, fail, inline, integration, lambda_task,
                 machine, main, map_state, pass_state, sdk, states_format, task)
from polling import poll_until, run_command, until_online

TO_CLEANUP = [catch_to("Cleanup")]
TO_PUBLISH_FAILED = [catch_to("PublishFailed")]

states = {}

# --- plan -------------------------------------------------------------------------------------
states["Plan"] = lambda_task(
    comment="Checks the input, claims the bake (one per role, commit and variant) and plans every later step",
    function="${BakePlanFunctionArn}",
    payload={"input.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id", "startedAt.$": "$$.Execution.StartTime"},
    result_selector={"plan.$": "$.Payload"}, result_path="$",
    retry=[LAMBDA_RETRY], catch=[catch_to("PlanFailed")], next="IsDuplicate")
states["PlanFailed"] = pass_state(
    comment="Only the error goes on: nothing in an unchecked input may steer the cleanup",
    parameters={"error.$": "$.error"}, next="Cleanup")
states["IsDuplicate"] = choice(
    choices=[{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}], default="SourceFetch")
states["Duplicate"] = pass_state(
    comment="Another execution holds this bake (running or done): nothing to do",
    parameters={"duplicate": True, "bakeKey.$": "$.plan.bakeKey", "heldBy.$": "$.plan.duplicateOf"}, end=True)

# --- inputs: source bundle and parent image -------------------------------------------------------
states["SourceFetch"] = lambda_task(
    comment="Puts the commit's tarball from the GitHub API into the artifact bucket, unless it is there already",
    function="${SourceFetchFunctionArn}",
    payload={"sha.$": "$.plan.sha", "bucket.$": "$.plan.source.bucket", "key.$": "$.plan.source.key"},
    result_selector={"bytes.$": "$.Payload.bytes", "fetched.$": "$.Payload.fetched"}, result_path="$.sourceBundle",
    retry=[LAMBDA_RETRY, GITHUB_UNAVAILABLE_RETRY], catch=[catch_to("SourceBundleMissing")], next="ParentImage")
states["SourceBundleMissing"] = pass_state(
    parameters={"Error": "Kiln.SourceBundleMissing",
                "Cause.$": "States.Format('cannot fetch the source bundle {} ({}: {})', $.plan.source.uri, $.error.Error, $.error.Cause)"},
    result_path="$.error", next="Cleanup")
states["ParentImage"] = task(
    comment="The image to build on: Amazon Linux's public parameter, or the parent role's pointer",
    resource=sdk("ssm", "getParameter"), parameters={"Name.$": "$.plan.parent.parameter"},
    result_selector={"imageId.$": "$.Parameter.Value"}, result_path="$.parent",
    retry=[SSM_RETRY], catch=TO_CLEANUP, next="LaunchBuilderSpot")


# --- builder ----------------------------------------------------------------------------------------
def run_instances(*, spot, image, tags, token):
    """The builder (from the parent image) or the tester (from the new image): the same instance, other tags."""
    return {"ImageId.$": image,
            "InstanceType.$": "$.plan.builder.instanceType" if spot else "$.plan.builder.onDemandInstanceType",
            "SubnetId.$": "$.plan.builder.subnetId",
            "SecurityGroupIds.$": "$.plan.builder.securityGroupIds",
            "IamInstanceProfile": {"Arn.$": "$.plan.builder.instanceProfileArn"},
            "MinCount": 1, "MaxCount": 1,
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1},
            "BlockDeviceMappings.$": "$.plan.builder.blockDeviceMappings",
            "TagSpecifications.$": tags,
            "ClientToken.$": "States.Format('{}-{}', $.plan.buildId, '%s%s')" % (token, "s" if spot else "o"),
            **({"InstanceMarketOptions": {"MarketType": "spot", "SpotOptions": {"SpotInstanceType": "one-time",
                                                                               "InstanceInterruptionBehavior": "terminate"}}}
               if spot else {})}


def launch(prefix, *, image, tags, token, result_path, next, comment):
    """Spot first; without spot capacity (or spot refused) on demand, made safe to retry by the client token."""
    return {
        f"{prefix}Spot": task(
            comment=comment,
            resource=sdk("ec2", "runInstances"), parameters=run_instances(spot=True, image=image, tags=tags, token=token),
            result_selector={"instanceId.$": "$.Instances[0].InstanceId", "market": "spot"}, result_path=result_path,
            catch=[catch_to(f"{prefix}OnDemand", errors=EC2_ERRORS, result_path="$.spotError")] + TO_CLEANUP, next=next),
        f"{prefix}OnDemand": task(
            comment="No spot capacity (or spot refused): the same instance on demand; the client token makes retries safe",
            resource=sdk("ec2", "runInstances"), parameters=run_instances(spot=False, image=image, tags=tags, token=token),
            result_selector={"instanceId.$": "$.Instances[0].InstanceId", "market": "on-demand"}, result_path=result_path,
            retry=[EC2_RETRY], catch=TO_CLEANUP, next=next),
    }


def online(prefix, *, instance_id, what, error, next):
    return until_online(prefix, instance_id=instance_id, next=next, on_failure="Cleanup", timed_out={
        "Error": error,
        "Cause.$": states_format(f"{what} {{}} did not come online in Systems Manager ({{}} checks, {{}} s apart)",
                                 instance_id, "$.plan.polls.ssm.checks", "$.plan.polls.ssm.seconds")})


def command(prefix, *, key, label, instance_id, next):
    return run_command(prefix, key=key, label=label, instance_id=instance_id,
                       command_comment=states_format(f"kiln {{}} {key}", "$.plan.buildId"),
                       polls="$.plan.polls.command", next=next, on_failure="Cleanup")


states.update(launch("LaunchBuilder", image="$.parent.imageId", tags="$.plan.builder.tagSpecifications", token="",
                     result_path="$.builder", next="SsmStart",
                     comment="A spot builder: private subnet, no inbound rule, IMDSv2 only, encrypted volume, build tags"))
states.update(online("Ssm", instance_id="$.builder.instanceId", what="builder", error="Kiln.SsmTimedOut", next="ProvisionSend"))
states.update(command("Provision", key="provision", label="provisioning (playbook and advisories)",
                      instance_id="$.builder.instanceId", next="RecordSend"))
states.update(command("Record", key="record", label="recording the manifest and package inventory",
                      instance_id="$.builder.instanceId", next="StopSend"))

# --- image ----------------------------------------------------------------------------------------
states["StopSend"] = task(
    comment="A stopped builder gives a consistent image",
    resource=sdk("ec2", "stopInstances"), parameters={"InstanceIds.$": "States.Array($.builder.instanceId)"},
    result_path=None, retry=[EC2_RETRY], catch=TO_CLEANUP, next="StopStart")
states.update(poll_until(
    "Stop",
    ask=dict(resource=sdk("ec2", "describeInstances"), parameters={"InstanceIds.$": "States.Array($.builder.instanceId)"},
             result_selector={"state.$": "$.Reservations[0].Instances[0].State.Name"}, result_path="$.stop"),
    done=[{"Variable": "$.stop.state", "StringEquals": "stopped", "Next": "ImageCreate"}],
    missed_errors=EC2_MISSED, polls="$.plan.polls.stop", on_failure="Cleanup",
    timed_out={"Error": "Kiln.StopTimedOut", "Cause.$": "States.Format('builder {} did not stop in time', $.builder.instanceId)"}))
states["ImageCreate"] = task(
    comment="The image of the stopped builder; its volume is encrypted, so are the snapshots",
    resource=sdk("ec2", "createImage"),
    parameters={"InstanceId.$": "$.builder.instanceId", "Name.$": "$.plan.image.name",
                "Description.$": "$.plan.image.description", "TagSpecifications.$": "$.plan.image.tagSpecifications"},
    result_selector={"imageId.$": "$.ImageId"}, result_path="$.image", catch=TO_CLEANUP, next="ImageStart")
states.update(poll_until(
    "Image",
    ask=dict(resource=sdk("ec2", "describeImages"), parameters={"ImageIds.$": "States.Array($.image.imageId)"},
             result_selector={"state.$": "$.Images[0].State", "mappings.$": "$.Images[0].BlockDeviceMappings"},
             result_path="$.imageState"),
    done=[{"Variable": "$.imageState.state", "StringEquals": "available", "Next": "BuilderTerminate"},
          {"Variable": "$.imageState.state", "StringEquals": "failed", "Next": "ImageFailed"}],
    missed_errors=EC2_MISSED, polls="$.plan.polls.image", on_failure="Cleanup",
    timed_out={"Error": "Kiln.ImageTimedOut",
               "Cause.$": "States.Format('image {} was not available in time ({} checks, {} s apart)', $.image.imageId, $.plan.polls.image.checks, $.plan.polls.image.seconds)"}))
states["ImageFailed"] = pass_state(
    parameters={"Error": "Kiln.ImageFailed", "Cause.$": "States.Format('EC2 reports image {} as failed', $.image.imageId)"},
    result_path="$.error", next="Cleanup")
states["BuilderTerminate"] = task(
    comment="The builder is done: it never outlives its bake",
    resource=sdk("ec2", "terminateInstances"), parameters={"InstanceIds.$": "States.Array($.builder.instanceId)"},
    result_path=None, retry=[EC2_RETRY], catch=TO_CLEANUP, next="TestsLaunchSpot")

# --- server tests, as Image Builder's test stage runs them: on a fresh instance of the new image --------
states.update(launch("TestsLaunch", image="$.image.imageId", tags="$.plan.builder.testerTagSpecifications", token="t",
                     result_path="$.tester", next="TestsSsmStart",
                     comment="An instance of the new image, launched as the builder was: an image that does not boot cleanly fails here"))
states.update(online("TestsSsm", instance_id="$.tester.instanceId", what="the instance launched from the new image to test it",
                     error="Kiln.TestInstanceTimedOut", next="TestsSend"))
states.update(command("Tests", key="tests", label="the server tests", instance_id="$.tester.instanceId", next="TestsTerminate"))
states["TestsTerminate"] = task(
    comment="The tests are done: their instance never outlives them",
    resource=sdk("ec2", "terminateInstances"), parameters={"InstanceIds.$": "States.Array($.tester.instanceId)"},
    result_path=None, retry=[EC2_RETRY], catch=TO_CLEANUP, next="RecordImage")

# --- record and publish -----------------------------------------------------------------------------
states["RecordImage"] = lambda_task(
    comment="Inventory, manifest, image record, step durations; may a newer push's image stand?",
    function="${BakeRecordFunctionArn}",
    payload={"plan.$": "$.plan", "parent.$": "$.parent", "builder.$": "$.builder", "image.$": "$.image",
             "imageState.$": "$.imageState", "record.$": "$.record", "executionArn.$": "$$.Execution.Id"},
    result_selector={"result.$": "$.Payload"}, result_path="$.recorded",
    retry=[LAMBDA_RETRY], catch=TO_CLEANUP, next="ImageTag")
states["ImageTag"] = task(
    resource=sdk("ec2", "createTags"),
    parameters={"Resources.$": "$.recorded.result.tagResources", "Tags.$": "$.recorded.result.tags"},
    result_path=None, retry=[EC2_RETRY], catch=TO_PUBLISH_FAILED, next="ShouldPublish")
states["ShouldPublish"] = choice(
    choices=[{"Variable": "$.recorded.result.publish", "BooleanEquals": True, "Next": "PublishPointer"}],
    default="NotPublished")
states["NotPublished"] = pass_state(
    comment="An image of a newer push, or a re-bake on a newer parent image, stands: this one is kept, not published",
    result=[], result_path="$.pinned", next="LedgerSucceeded")
states["PublishPointer"] = task(
    resource=sdk("ssm", "putParameter"),
    parameters={"Name.$": "$.plan.pointer", "Value.$": "$.image.imageId", "Type": "String", "DataType": "aws:ec2:image",
                "Overwrite": True, "Description.$": "States.Format('Newest Kiln image of role {}', $.plan.role)"},
    result_path=None, retry=[SSM_RETRY], catch=TO_PUBLISH_FAILED, next="PublishFindTemplates")
states["PublishFindTemplates"] = task(
    comment="Every launch template tagged kiln:role=<role> gets a version pinned to the image",
    resource=sdk("ec2", "describeLaunchTemplates"),
    parameters={"Filters": [{"Name": "tag:kiln:role", "Values.$": "States.Array($.plan.role)"}], "MaxResults": 200},
    result_selector={"templates.$": "$.LaunchTemplates"}, result_path="$.launchTemplates",
    retry=[EC2_RETRY], catch=TO_PUBLISH_FAILED, next="PublishPinTemplates")
states["PublishPinTemplates"] = map_state(
    items_path="$.launchTemplates.templates", max_concurrency=5,
    item_selector={"templateId.$": "$$.Map.Item.Value.LaunchTemplateId", "imageId.$": "$.image.imageId",
                   "buildId.$": "$.plan.buildId", "sha.$": "$.plan.sha"},
    processor=inline({"PublishPinTemplate": task(
        resource=sdk("ec2", "createLaunchTemplateVersion"),
        parameters={"LaunchTemplateId.$": "$.templateId", "SourceVersion": "$Latest",
                    "VersionDescription.$": "States.Format('Kiln {} ({})', $.buildId, $.imageId)",
                    "LaunchTemplateData": {"ImageId.$": "$.imageId"},
                    "ClientToken.$": "States.Hash(States.Format('{}/{}', $.buildId, $.templateId), 'MD5')"},
        result_selector={"launchTemplateId.$": "$.LaunchTemplateVersion.LaunchTemplateId",
                         "version.$": "$.LaunchTemplateVersion.VersionNumber"},
        retry=[EC2_RETRY], end=True)}),
    result_path="$.pinned", catch=TO_PUBLISH_FAILED, next="LedgerSucceeded")
states["LedgerSucceeded"] = task(
    comment="Only now is the bake done: a retry of a bake that failed to publish may publish it",
    resource=integration("dynamodb", "updateItem"),
    parameters={"TableName": "${BakesTable}",
                "Key": {"bakeKey": {"S.$": "$.plan.bakeKey"}},
                "UpdateExpression": "SET #status = :succeeded, imageId = :image, finishedAt = :at",
                "ConditionExpression": "executionArn = :me",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":succeeded": {"S": "SUCCEEDED"}, ":image": {"S.$": "$.image.imageId"},
                                              ":at": {"S.$": "$$.State.EnteredTime"}, ":me": {"S.$": "$$.Execution.Id"}}},
    result_path=None, retry=[DDB_THROTTLING_RETRY], catch=TO_PUBLISH_FAILED, next="EmitImageBaked")
states["EmitImageBaked"] = task(
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{
        "EventBusName.$": "$.plan.eventBus", "Source": "kiln.bake", "DetailType": "Image Baked",
        "Detail": {"role.$": "$.plan.role", "imageId.$": "$.image.imageId", "sha.$": "$.plan.sha",
                   "pushedAt.$": "$.plan.pushedAt", "buildId.$": "$.plan.buildId", "reason.$": "$.plan.reason",
                   "advisories.$": "$.plan.advisories", "parentImageId.$": "$.parent.imageId",
                   "published.$": "$.recorded.result.publish", "manifest.$": "$.recorded.result.manifest",
                   "durations.$": "$.recorded.result.durations", "launchTemplateVersions.$": "$.pinned",
                   "executionArn.$": "$$.Execution.Id"}}]},
    result_path=None, retry=[EVENTS_SERVICE_RETRY], catch=TO_PUBLISH_FAILED, next="Baked")
states["Baked"] = pass_state(
    parameters={"role.$": "$.plan.role", "imageId.$": "$.image.imageId", "sha.$": "$.plan.sha",
                "buildId.$": "$.plan.buildId", "published.$": "$.recorded.result.publish",
                "manifest.$": "$.recorded.result.manifest", "packages.$": "$.recorded.result.packages",
                "durations.$": "$.recorded.result.durations", "launchTemplateVersions.$": "$.pinned"},
    end=True)

# --- failure ------------------------------------------------------------------------------------------
states["PublishFailed"] = pass_state(
    comment="The image is recorded and valid: the cleanup keeps it",
    result=True, result_path="$.keepImage", next="Cleanup")
states["Cleanup"] = lambda_task(
    comment="Terminates the builder (or keeps it for a while), removes partial images and snapshots",
    function="${BakeCleanupFunctionArn}",
    payload={"state.$": "$", "executionArn.$": "$$.Execution.Id", "input.$": "$$.Execution.Input"},
    result_selector={"result.$": "$.Payload"}, result_path="$.cleanup",
    retry=[CLEANUP_RETRY], catch=[catch_to("CleanupFailed", result_path="$.cleanupError")], next="EmitBakeFailed")
states["CleanupFailed"] = pass_state(
    comment="Even the cleanup failed: say so loudly; the reaper terminates what is left",
    parameters={"result": {"failedStep": "Cleanup", "failure": "Kiln.CleanupFailed", "error.$": "$.cleanupError.Error",
                           "cause.$": "States.Format('the bake failed ({}) and its cleanup failed too: {}', $.error.Error, $.cleanupError.Cause)",
                           "summary.$": "States.Format('Cleanup: the bake failed ({}) and its cleanup failed too: {}', $.error.Error, $.cleanupError.Cause)",
                           "executionArn.$": "$$.Execution.Id"}},
    result_path="$.cleanup", next="EmitBakeFailed")
states["EmitBakeFailed"] = task(
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.bake", "DetailType": "Bake Failed",
                             "Detail.$": "$.cleanup.result"}]},
    result_path=None, retry=[EVENTS_SERVICE_RETRY], catch=[catch_to("BakeFailed", result_path="$.emitError")],
    next="BakeFailed")
states["BakeFailed"] = fail(error_path="$.cleanup.result.failure", cause_path="$.cleanup.result.summary")

definition = machine(
    comment="Bakes one role's golden image from one commit: plan, launch a builder, provision it with the "
            "role's playbook and advisories, record manifest and inventory, make an encrypted image, run the "
            "server tests on a fresh instance of it, publish it (SSM pointer and pinned launch template "
            "versions) and say so. "
            "Any failure ends in Cleanup: no builder outlives its bake, no partial image is left.",
    timeout_seconds=172800, states=states)

if __name__ == "__main__":
    main(__file__, {"bake": lambda: definition})
