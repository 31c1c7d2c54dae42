"""Generates statemachines/bake.asl.json.

Edit this file, not the JSON, then: python3 statemachines/generate/bake.py --write
(python3 bake.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from collections import OrderedDict as O

from asl import EC2_MISSED, LAMBDA_RETRY, SSM_MISSED, SSM_RETRY, main, missed, sdk

EC2_RETRY = {"ErrorEquals": ["Ec2.Ec2Exception", "EC2.EC2Exception"], "IntervalSeconds": 3, "MaxAttempts": 3, "BackoffRate": 2,
             "JitterStrategy": "FULL"}
EVENTS_RETRY = {"ErrorEquals": ["EventBridge.InternalException", "EventBridge.EventBridgeException"],
                "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}
DDB_RETRY = {"ErrorEquals": ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException",
                             "DynamoDB.InternalServerErrorException"], "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2}
TO_CLEANUP = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Cleanup"}]
TO_PUBLISH_FAILED = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "PublishFailed"}]

states = O()

def task(name, resource, parameters, nxt, result_selector=None, result_path=None, retry=None, catch=TO_CLEANUP, comment=None):
    s = O()
    if comment: s["Comment"] = comment
    s["Type"] = "Task"
    s["Resource"] = resource
    s["Parameters"] = parameters
    if result_selector is not None: s["ResultSelector"] = result_selector
    if result_path is not False: s["ResultPath"] = result_path
    if retry: s["Retry"] = retry
    if catch: s["Catch"] = catch
    s["Next"] = nxt
    states[name] = s

# --- plan -------------------------------------------------------------------------------------
states["Plan"] = O([
    ("Comment", "Checks the input, claims the bake (one per role, commit and variant) and plans every later step"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${BakePlanFunctionArn}",
                    "Payload": {"input.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id",
                                "startedAt.$": "$$.Execution.StartTime"}}),
    ("ResultSelector", {"plan.$": "$.Payload"}), ("ResultPath", "$"),
    ("Retry", [LAMBDA_RETRY]),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "PlanFailed"}]),
    ("Next", "IsDuplicate")])
states["PlanFailed"] = O([
    ("Comment", "Only the error goes on: nothing in an unchecked input may steer the cleanup"),
    ("Type", "Pass"), ("Parameters", {"error.$": "$.error"}), ("Next", "Cleanup")])
states["IsDuplicate"] = O([("Type", "Choice"),
    ("Choices", [{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}]),
    ("Default", "SourceFetch")])
states["Duplicate"] = O([("Comment", "Another execution holds this bake (running or done): nothing to do"),
    ("Type", "Pass"),
    ("Parameters", {"duplicate": True, "bakeKey.$": "$.plan.bakeKey", "heldBy.$": "$.plan.duplicateOf"}),
    ("End", True)])

# --- inputs: source bundle and parent image -------------------------------------------------------
SOURCE_RETRY = {"ErrorEquals": ["dev.kiln.sourcefetch.errors.GitHubUnavailableException"],
                "IntervalSeconds": 10, "MaxAttempts": 4, "BackoffRate": 3, "JitterStrategy": "FULL"}
states["SourceFetch"] = O([
    ("Comment", "Puts the commit's tarball from the GitHub API into the artifact bucket, unless it is there already"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${SourceFetchFunctionArn}",
                    "Payload": {"sha.$": "$.plan.sha", "bucket.$": "$.plan.source.bucket", "key.$": "$.plan.source.key"}}),
    ("ResultSelector", {"bytes.$": "$.Payload.bytes", "fetched.$": "$.Payload.fetched"}),
    ("ResultPath", "$.sourceBundle"),
    ("Retry", [LAMBDA_RETRY, SOURCE_RETRY]),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "SourceBundleMissing"}]),
    ("Next", "ParentImage")])
states["SourceBundleMissing"] = O([("Type", "Pass"),
    ("Parameters", {"Error": "Kiln.SourceBundleMissing",
                    "Cause.$": "States.Format('cannot fetch the source bundle {} ({}: {})', $.plan.source.uri, $.error.Error, $.error.Cause)"}),
    ("ResultPath", "$.error"), ("Next", "Cleanup")])
task("ParentImage", sdk("ssm", "getParameter"), {"Name.$": "$.plan.parent.parameter"}, "LaunchBuilderSpot",
     {"imageId.$": "$.Parameter.Value"}, "$.parent", [SSM_RETRY],
     comment="The image to build on: Amazon Linux's public parameter, or the parent role's pointer")

# --- builder ----------------------------------------------------------------------------------------
def run_instances(spot, image, tags, token):
    """The builder (from the parent image) or the tester (from the new image): the same instance, other tags."""
    p = O([("ImageId.$", image),
           ("InstanceType.$", "$.plan.builder.instanceType" if spot else "$.plan.builder.onDemandInstanceType"),
           ("SubnetId.$", "$.plan.builder.subnetId"),
           ("SecurityGroupIds.$", "$.plan.builder.securityGroupIds"),
           ("IamInstanceProfile", {"Arn.$": "$.plan.builder.instanceProfileArn"}),
           ("MinCount", 1), ("MaxCount", 1),
           ("MetadataOptions", {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}),
           ("BlockDeviceMappings.$", "$.plan.builder.blockDeviceMappings"),
           ("TagSpecifications.$", tags),
           ("ClientToken.$", "States.Format('{}-{}', $.plan.buildId, '%s%s')" % (token, "s" if spot else "o"))])
    if spot:
        p["InstanceMarketOptions"] = {"MarketType": "spot",
                                      "SpotOptions": {"SpotInstanceType": "one-time", "InstanceInterruptionBehavior": "terminate"}}
    return p

def launch(prefix, image, tags, token, result_path, nxt, comment):
    """Spot first; without spot capacity (or spot refused) on demand, made safe to retry by the client token."""
    task(f"{prefix}Spot", sdk("ec2", "runInstances"), run_instances(True, image, tags, token), nxt,
         {"instanceId.$": "$.Instances[0].InstanceId", "market": "spot"}, result_path, None,
         [{"ErrorEquals": ["Ec2.Ec2Exception", "EC2.EC2Exception"], "ResultPath": "$.spotError", "Next": f"{prefix}OnDemand"}] + TO_CLEANUP,
         comment=comment)
    task(f"{prefix}OnDemand", sdk("ec2", "runInstances"), run_instances(False, image, tags, token), nxt,
         {"instanceId.$": "$.Instances[0].InstanceId", "market": "on-demand"}, result_path, [EC2_RETRY],
         comment="No spot capacity (or spot refused): the same instance on demand; the client token makes retries safe")

launch("LaunchBuilder", "$.parent.imageId", "$.plan.builder.tagSpecifications", "", "$.builder", "SsmStart",
       "A spot builder: private subnet, no inbound rule, IMDSv2 only, encrypted volume, build tags")

# --- polling loops ----------------------------------------------------------------------------------
def loop(prefix, check_name, check_resource, check_params, check_selector, done_choices, poll, timeout_error,
         timeout_cause, missed_errors, after_check_result_path):
    """Asks until done, at most $.plan.polls.<poll>.checks times; a failed ask is a missed one, counted."""
    limit = {"Variable": "$.count.n", "NumericGreaterThanEqualsPath": f"$.plan.polls.{poll}.checks", "Next": f"{prefix}TimedOut"}
    states[f"{prefix}Start"] = O([("Type", "Pass"), ("Result", {"n": 0}), ("ResultPath", "$.count"),
                                  ("Next", check_name)])
    task(check_name, check_resource, check_params, f"{prefix}Ready", check_selector, after_check_result_path, None,
         [missed(missed_errors, f"{prefix}Missed")] + TO_CLEANUP)
    states[f"{prefix}Ready"] = O([("Type", "Choice"), ("Choices", done_choices + [limit]), ("Default", f"{prefix}Wait")])
    states[f"{prefix}Missed"] = O([("Type", "Choice"), ("Choices", [limit]), ("Default", f"{prefix}Wait")])
    states[f"{prefix}Wait"] = O([("Type", "Wait"), ("SecondsPath", f"$.plan.polls.{poll}.seconds"),
                                 ("Next", f"{prefix}Count")])
    states[f"{prefix}Count"] = O([("Type", "Pass"), ("Parameters", {"n.$": "States.MathAdd($.count.n, 1)"}),
                                  ("ResultPath", "$.count"), ("Next", check_name)])
    states[f"{prefix}TimedOut"] = O([("Type", "Pass"),
        ("Parameters", {"Error": timeout_error, "Cause.$": timeout_cause}), ("ResultPath", "$.error"), ("Next", "Cleanup")])

def online(prefix, instance, nxt, error, what):
    loop(prefix, f"{prefix}Check", sdk("ssm", "describeInstanceInformation"),
         {"Filters": [{"Key": "InstanceIds", "Values.$": f"States.Array($.{instance}.instanceId)"}]},
         {"instances.$": "$.InstanceInformationList"},
         [{"And": [{"Variable": "$.ssm.instances[0].PingStatus", "IsPresent": True},
                   {"Variable": "$.ssm.instances[0].PingStatus", "StringEquals": "Online"}], "Next": nxt}],
         "ssm", error,
         "States.Format('%s {} did not come online in Systems Manager ({} checks, {} s apart)', $.%s.instanceId, $.plan.polls.ssm.checks, $.plan.polls.ssm.seconds)" % (what, instance),
         SSM_MISSED, "$.ssm")

online("Ssm", "builder", "ProvisionSend", "Kiln.SsmTimedOut", "builder")

def command(prefix, key, nxt, label, instance="builder"):
    task(f"{prefix}Send", sdk("ssm", "sendCommand"), O([
        ("DocumentName", "AWS-RunShellScript"),
        ("InstanceIds.$", f"States.Array($.{instance}.instanceId)"),
        ("Parameters.$", f"$.plan.commands.{key}.parameters"),
        ("OutputS3BucketName.$", "$.plan.logs.bucket"),
        ("OutputS3KeyPrefix.$", f"$.plan.commands.{key}.outputPrefix"),
        ("Comment.$", "States.Format('kiln {} %s', $.plan.buildId)" % key)]),
        f"{prefix}Start", {"commandId.$": "$.Command.CommandId"}, f"$.{key}", [SSM_RETRY],
        comment=f"Run Command: {label}")
    states[f"{prefix}Start"] = O([("Type", "Pass"), ("Result", {"n": 0}), ("ResultPath", "$.count"),
                                  ("Next", f"{prefix}Wait")])
    states[f"{prefix}Wait"] = O([("Type", "Wait"), ("SecondsPath", "$.plan.polls.command.seconds"),
                                 ("Next", f"{prefix}Check")])
    task(f"{prefix}Check", sdk("ssm", "getCommandInvocation"),
         {"CommandId.$": f"$.{key}.commandId", "InstanceId.$": f"$.{instance}.instanceId"},
         f"{prefix}Ready",
         {"commandId.$": "$.CommandId", "status.$": "$.Status", "responseCode.$": "$.ResponseCode",
          "stdout.$": "$.StandardOutputContent", "stderr.$": "$.StandardErrorContent"},
         f"$.{key}", None,
         [missed(["Ssm.InvocationDoesNotExistException", "SSM.InvocationDoesNotExistException"] + SSM_MISSED, f"{prefix}Running")]
         + TO_CLEANUP)
    states[f"{prefix}Ready"] = O([("Type", "Choice"),
        ("Choices", [
            {"Variable": f"$.{key}.status", "StringEquals": "Success", "Next": nxt},
            {"Or": [{"Variable": f"$.{key}.status", "StringEquals": s} for s in ("Pending", "InProgress", "Delayed")],
             "Next": f"{prefix}Running"}]),
        ("Default", f"{prefix}Failed")])
    states[f"{prefix}Running"] = O([("Type", "Choice"),
        ("Choices", [{"Variable": "$.count.n", "NumericGreaterThanEqualsPath": "$.plan.polls.command.checks",
                      "Next": f"{prefix}TimedOut"}]),
        ("Default", f"{prefix}Count")])
    states[f"{prefix}Count"] = O([("Type", "Pass"), ("Parameters", {"n.$": "States.MathAdd($.count.n, 1)"}),
                                  ("ResultPath", "$.count"), ("Next", f"{prefix}Wait")])
    states[f"{prefix}Failed"] = O([("Type", "Pass"),
        ("Parameters", {"Error.$": f"$.plan.commands.{key}.failure",
                        "Cause.$": "States.Format('%s ended {} with exit code {} (full output: {}): {} {}', $.%s.status, $.%s.responseCode, $.plan.logs.uri, $.%s.stderr, $.%s.stdout)" % (label, key, key, key, key)}),
        ("ResultPath", "$.error"), ("Next", "Cleanup")])
    states[f"{prefix}TimedOut"] = O([("Type", "Pass"),
        ("Parameters", {"Error.$": f"$.plan.commands.{key}.failure",
                        "Cause.$": "States.Format('%s did not finish in time (command {}, full output: {})', $.%s.commandId, $.plan.logs.uri)" % (label, key)}),
        ("ResultPath", "$.error"), ("Next", "Cleanup")])

command("Provision", "provision", "RecordSend", "provisioning (playbook and advisories)")
command("Record", "record", "StopSend", "recording the manifest and package inventory")

# --- image ----------------------------------------------------------------------------------------
task("StopSend", sdk("ec2", "stopInstances"), {"InstanceIds.$": "States.Array($.builder.instanceId)"}, "StopStart",
     None, None, [EC2_RETRY], comment="A stopped builder gives a consistent image")
states["StopSend"]["ResultPath"] = None
loop("Stop", "StopCheck", sdk("ec2", "describeInstances"), {"InstanceIds.$": "States.Array($.builder.instanceId)"},
     {"state.$": "$.Reservations[0].Instances[0].State.Name"},
     [{"Variable": "$.stop.state", "StringEquals": "stopped", "Next": "ImageCreate"}],
     "stop", "Kiln.StopTimedOut",
     "States.Format('builder {} did not stop in time', $.builder.instanceId)", EC2_MISSED, "$.stop")
task("ImageCreate", sdk("ec2", "createImage"), O([
        ("InstanceId.$", "$.builder.instanceId"), ("Name.$", "$.plan.image.name"),
        ("Description.$", "$.plan.image.description"), ("TagSpecifications.$", "$.plan.image.tagSpecifications")]),
     "ImageStart", {"imageId.$": "$.ImageId"}, "$.image", None,
     comment="The image of the stopped builder; its volume is encrypted, so are the snapshots")
loop("Image", "ImageCheck", sdk("ec2", "describeImages"), {"ImageIds.$": "States.Array($.image.imageId)"},
     {"state.$": "$.Images[0].State", "mappings.$": "$.Images[0].BlockDeviceMappings"},
     [{"Variable": "$.imageState.state", "StringEquals": "available", "Next": "BuilderTerminate"},
      {"Variable": "$.imageState.state", "StringEquals": "failed", "Next": "ImageFailed"}],
     "image", "Kiln.ImageTimedOut",
     "States.Format('image {} was not available in time ({} checks, {} s apart)', $.image.imageId, $.plan.polls.image.checks, $.plan.polls.image.seconds)",
     EC2_MISSED, "$.imageState")
states["ImageFailed"] = O([("Type", "Pass"),
    ("Parameters", {"Error": "Kiln.ImageFailed", "Cause.$": "States.Format('EC2 reports image {} as failed', $.image.imageId)"}),
    ("ResultPath", "$.error"), ("Next", "Cleanup")])
task("BuilderTerminate", sdk("ec2", "terminateInstances"), {"InstanceIds.$": "States.Array($.builder.instanceId)"},
     "TestsLaunchSpot", None, None, [EC2_RETRY], comment="The builder is done: it never outlives its bake")
states["BuilderTerminate"]["ResultPath"] = None

# --- server tests, as Image Builder's test stage runs them: on a fresh instance of the new image --------
launch("TestsLaunch", "$.image.imageId", "$.plan.builder.testerTagSpecifications", "t", "$.tester", "TestsSsmStart",
       "An instance of the new image, launched as the builder was: an image that does not boot cleanly fails here")
online("TestsSsm", "tester", "TestsSend", "Kiln.TestInstanceTimedOut",
       "the instance launched from the new image to test it")
command("Tests", "tests", "TestsTerminate", "the server tests", "tester")
task("TestsTerminate", sdk("ec2", "terminateInstances"), {"InstanceIds.$": "States.Array($.tester.instanceId)"},
     "RecordImage", None, None, [EC2_RETRY], comment="The tests are done: their instance never outlives them")
states["TestsTerminate"]["ResultPath"] = None

# --- record and publish -----------------------------------------------------------------------------
states["RecordImage"] = O([
    ("Comment", "Inventory, manifest, image record, step durations; may a newer push's image stand?"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${BakeRecordFunctionArn}",
                    "Payload": {"plan.$": "$.plan", "parent.$": "$.parent", "builder.$": "$.builder",
                                "image.$": "$.image", "imageState.$": "$.imageState", "record.$": "$.record",
                                "executionArn.$": "$$.Execution.Id"}}),
    ("ResultSelector", {"result.$": "$.Payload"}), ("ResultPath", "$.recorded"),
    ("Retry", [LAMBDA_RETRY]), ("Catch", TO_CLEANUP), ("Next", "ImageTag")])
task("ImageTag", sdk("ec2", "createTags"),
     {"Resources.$": "$.recorded.result.tagResources", "Tags.$": "$.recorded.result.tags"},
     "ShouldPublish", None, None, [EC2_RETRY], TO_PUBLISH_FAILED)
states["ImageTag"]["ResultPath"] = None
states["ShouldPublish"] = O([("Type", "Choice"),
    ("Choices", [{"Variable": "$.recorded.result.publish", "BooleanEquals": True, "Next": "PublishPointer"}]),
    ("Default", "NotPublished")])
states["NotPublished"] = O([("Comment", "An image of a newer push, or a re-bake on a newer parent image, stands: this one is kept, not published"),
    ("Type", "Pass"), ("Result", []), ("ResultPath", "$.pinned"), ("Next", "LedgerSucceeded")])
task("PublishPointer", sdk("ssm", "putParameter"), O([
        ("Name.$", "$.plan.pointer"), ("Value.$", "$.image.imageId"), ("Type", "String"),
        ("DataType", "aws:ec2:image"), ("Overwrite", True),
        ("Description.$", "States.Format('Newest Kiln image of role {}', $.plan.role)")]),
     "PublishFindTemplates", None, None, [SSM_RETRY], TO_PUBLISH_FAILED)
states["PublishPointer"]["ResultPath"] = None
task("PublishFindTemplates", sdk("ec2", "describeLaunchTemplates"),
     {"Filters": [{"Name": "tag:kiln:role", "Values.$": "States.Array($.plan.role)"}], "MaxResults": 200},
     "PublishPinTemplates", {"templates.$": "$.LaunchTemplates"}, "$.launchTemplates", [EC2_RETRY],
     TO_PUBLISH_FAILED, comment="Every launch template tagged kiln:role=<role> gets a version pinned to the image")
states["PublishPinTemplates"] = O([
    ("Type", "Map"), ("ItemsPath", "$.launchTemplates.templates"), ("MaxConcurrency", 5),
    ("ItemSelector", {"templateId.$": "$$.Map.Item.Value.LaunchTemplateId", "imageId.$": "$.image.imageId",
                      "buildId.$": "$.plan.buildId", "sha.$": "$.plan.sha"}),
    ("ItemProcessor", {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "PublishPinTemplate", "States": {
        "PublishPinTemplate": O([
            ("Type", "Task"), ("Resource", sdk("ec2", "createLaunchTemplateVersion")),
            ("Parameters", O([
                ("LaunchTemplateId.$", "$.templateId"), ("SourceVersion", "$Latest"),
                ("VersionDescription.$", "States.Format('Kiln {} ({})', $.buildId, $.imageId)"),
                ("LaunchTemplateData", {"ImageId.$": "$.imageId"}),
                ("ClientToken.$", "States.Hash(States.Format('{}/{}', $.buildId, $.templateId), 'MD5')")])),
            ("ResultSelector", {"launchTemplateId.$": "$.LaunchTemplateVersion.LaunchTemplateId",
                                "version.$": "$.LaunchTemplateVersion.VersionNumber"}),
            ("Retry", [EC2_RETRY]), ("End", True)])}}),
    ("ResultPath", "$.pinned"), ("Catch", TO_PUBLISH_FAILED), ("Next", "LedgerSucceeded")])
task("LedgerSucceeded", "arn:aws:states:::dynamodb:updateItem", O([
        ("TableName", "${BakesTableName}"),
        ("Key", {"bakeKey": {"S.$": "$.plan.bakeKey"}}),
        ("UpdateExpression", "SET #status = :succeeded, imageId = :image, finishedAt = :at"),
        ("ConditionExpression", "executionArn = :me"),
        ("ExpressionAttributeNames", {"#status": "status"}),
        ("ExpressionAttributeValues", {":succeeded": {"S": "SUCCEEDED"}, ":image": {"S.$": "$.image.imageId"},
                                       ":at": {"S.$": "$$.State.EnteredTime"}, ":me": {"S.$": "$$.Execution.Id"}})]),
     "EmitImageBaked", None, None, [DDB_RETRY], TO_PUBLISH_FAILED,
     comment="Only now is the bake done: a retry of a bake that failed to publish may publish it")
states["LedgerSucceeded"]["ResultPath"] = None
task("EmitImageBaked", "arn:aws:states:::events:putEvents", {"Entries": [O([
        ("EventBusName.$", "$.plan.eventBus"), ("Source", "kiln.bake"), ("DetailType", "Image Baked"),
        ("Detail", O([("role.$", "$.plan.role"), ("imageId.$", "$.image.imageId"), ("sha.$", "$.plan.sha"),
                      ("pushedAt.$", "$.plan.pushedAt"), ("buildId.$", "$.plan.buildId"), ("reason.$", "$.plan.reason"),
                      ("advisories.$", "$.plan.advisories"), ("parentImageId.$", "$.parent.imageId"),
                      ("published.$", "$.recorded.result.publish"), ("manifest.$", "$.recorded.result.manifest"),
                      ("durations.$", "$.recorded.result.durations"), ("launchTemplateVersions.$", "$.pinned"),
                      ("executionArn.$", "$$.Execution.Id")]))])]},
     "Baked", None, None, [EVENTS_RETRY], TO_PUBLISH_FAILED)
states["EmitImageBaked"]["ResultPath"] = None
states["Baked"] = O([("Type", "Pass"),
    ("Parameters", {"role.$": "$.plan.role", "imageId.$": "$.image.imageId", "sha.$": "$.plan.sha",
                    "buildId.$": "$.plan.buildId", "published.$": "$.recorded.result.publish",
                    "manifest.$": "$.recorded.result.manifest", "packages.$": "$.recorded.result.packages",
                    "durations.$": "$.recorded.result.durations", "launchTemplateVersions.$": "$.pinned"}),
    ("End", True)])

# --- failure ------------------------------------------------------------------------------------------
states["PublishFailed"] = O([("Comment", "The image is recorded and valid: the cleanup keeps it"),
    ("Type", "Pass"), ("Result", True), ("ResultPath", "$.keepImage"), ("Next", "Cleanup")])
states["Cleanup"] = O([
    ("Comment", "Terminates the builder (or keeps it for a while), removes partial images and snapshots"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${BakeCleanupFunctionArn}",
                    "Payload": {"state.$": "$", "executionArn.$": "$$.Execution.Id", "input.$": "$$.Execution.Input"}}),
    ("ResultSelector", {"result.$": "$.Payload"}), ("ResultPath", "$.cleanup"),
    ("Retry", [O([("ErrorEquals", ["States.ALL"]), ("IntervalSeconds", 5), ("MaxAttempts", 6), ("BackoffRate", 2),
                  ("JitterStrategy", "FULL")])]),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.cleanupError", "Next": "CleanupFailed"}]),
    ("Next", "EmitBakeFailed")])
states["CleanupFailed"] = O([("Comment", "Even the cleanup failed: say so loudly; the reaper terminates what is left"),
    ("Type", "Pass"),
    ("Parameters", {"result": {"failedStep": "Cleanup", "failure": "Kiln.CleanupFailed", "error.$": "$.cleanupError.Error",
                               "cause.$": "States.Format('the bake failed ({}) and its cleanup failed too: {}', $.error.Error, $.cleanupError.Cause)",
                               "summary.$": "States.Format('Cleanup: the bake failed ({}) and its cleanup failed too: {}', $.error.Error, $.cleanupError.Cause)",
                               "executionArn.$": "$$.Execution.Id"}}),
    ("ResultPath", "$.cleanup"), ("Next", "EmitBakeFailed")])
task("EmitBakeFailed", "arn:aws:states:::events:putEvents", {"Entries": [O([
        ("EventBusName", "${EventBusName}"), ("Source", "kiln.bake"), ("DetailType", "Bake Failed"),
        ("Detail.$", "$.cleanup.result")])]},
     "BakeFailed", None, None, [EVENTS_RETRY],
     [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.emitError", "Next": "BakeFailed"}])
states["EmitBakeFailed"]["ResultPath"] = None
states["BakeFailed"] = O([("Type", "Fail"), ("ErrorPath", "$.cleanup.result.failure"),
                          ("CausePath", "$.cleanup.result.summary")])

definition = O([
    ("Comment", "Bakes one role's golden image from one commit: plan, launch a builder, provision it with the "
                "role's playbook and advisories, record manifest and inventory, make an encrypted image, run the "
                "server tests on a fresh instance of it, publish it (SSM pointer and pinned launch template "
                "versions) and say so. "
                "Any failure ends in Cleanup: no builder outlives its bake, no partial image is left."),
    ("StartAt", "Plan"), ("TimeoutSeconds", 172800), ("States", states)])
if __name__ == "__main__":
    main(__file__, {"bake": lambda: definition})
