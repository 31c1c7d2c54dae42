"""Generates statemachines/blue-green.asl.json: a role's release, previewed from the office, approved, switched to.

plan (find the idle colour, claim the role) → put the image and release on the idle colour → a listener rule sends
the preview CIDRs to it (a target group no rule sends to is not health-checked) → wait until every instance is in
service and healthy → smoke checks on its instances → ask the approvers and wait → switch the listener's default action, step by step, watching the
alarms → remove the preview → keep the old colour for the rollback window (a rollback switches back) → retire it.

Until the switch, any failure (a rejection, the approval's timeout, a failed check) tears the preview down and
empties the idle colour: the public side never moved. A failure during the switch sends everything back to the
live colour first. After the switch nothing is torn down: what is left is reported and the new colour serves.

Edit this file, not the JSON, then: python3 statemachines/generate/blue_green.py --write
(python3 blue_green.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from asl import (ASG_MISSED, ASG_RETRY, DDB_RETRY, EC2_RETRY, EVENTS_PUT_RETRY, LAMBDA_RETRY, SNS_RETRY, SSM_MISSED, SSM_RETRY,
                 catch_to, choice, failure_states, fail, inline, integration, lambda_task, machine, main, map_state, missed,
                 pass_state, sdk, states_format, task, wait, wait_for_token)

ELB_RETRY = {"ErrorEquals": ["ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception", "ElasticLoadBalancingv2.ElasticLoadBalancingV2Exception"],
             "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}
ELB_MISSED = ELB_RETRY["ErrorEquals"]
TO_TEAR_DOWN = [catch_to("TearDown")]
RELEASE_KEY = "States.Format('release#{}', $.plan.role)"

states = {}


def tell(prefix, *, detail_type, subject, message, detail, next, on_failure):
    """<prefix>Event puts `detail_type` on Kiln's bus; <prefix>Mail tells the notification topic. A notification
    that fails is recorded at $.tellError and never stops the release."""
    return {
        f"{prefix}Event": task(
            resource=integration("events", "putEvents"),
            parameters={"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.blue-green", "DetailType": detail_type,
                                     "Detail": {"role.$": "$.plan.role", "execution.$": "$$.Execution.Id",
                                                "summary.$": "$.plan.summary", "imageId.$": "$.plan.image.imageId",
                                                "version.$": "$.plan.version", "live.$": "$.plan.live", "idle.$": "$.plan.idle",
                                                **detail}}]},
            result_path=None, retry=[EVENTS_PUT_RETRY], catch=[catch_to(f"{prefix}Mail", result_path="$.tellError")],
            next=f"{prefix}Mail"),
        f"{prefix}Mail": task(
            resource=integration("sns", "publish"),
            parameters={"TopicArn": "${NotificationTopicArn}", "Subject.$": subject, "Message.$": message,
                        "MessageAttributes": {"workflow": {"DataType": "String", "StringValue": "blue-green"},
                                              "event": {"DataType": "String", "StringValue": detail_type}}},
            result_path=None, retry=[SNS_RETRY], catch=[catch_to(next if on_failure is None else on_failure,
                                                                 result_path="$.tellError")],
            next=next),
    }


def scale_to_zero(name, *, group, next, comment):
    """The group keeps no instance: its minimum and desired capacity go to 0 (its maximum stays)."""
    return task(comment=comment, resource=sdk("autoscaling", "updateAutoScalingGroup"),
                parameters={"AutoScalingGroupName.$": group, "MinSize": 0, "DesiredCapacity": 0},
                result_path=None, retry=[ASG_RETRY], catch=[catch_to(next, result_path=f"$.{name[0].lower() + name[1:]}Error")],
                next=next)


# --- plan: which colour is idle, or why not ---------------------------------------------------------------
states["Plan"] = lambda_task(
    comment="Finds the idle colour from the listener, refuses what is unclear or already running, claims the role",
    function="${BlueGreenPlanFunctionArn}",
    payload={"input.$": "$$.Execution.Input", "execution.$": "$$.Execution.Id", "startedAt.$": "$$.Execution.StartTime"},
    result_selector={"plan.$": "$.Payload"}, result_path="$",
    retry=[LAMBDA_RETRY], catch=[catch_to("FailureName")], next="StartedEvent")
states.update(tell(
    "Started", detail_type="Release Started", detail={"reason.$": "$.plan.reason"},
    subject="States.Format('Kiln release of {} started', $.plan.role)",
    message="$.plan.mail.started",
    next="EmptyFirst", on_failure=None))

# --- the idle colour: emptied of an earlier release, then given the new image and release --------------------
states["EmptyFirst"] = choice(
    choices=[{"Variable": "$.plan.emptyFirst", "BooleanEquals": True, "Next": "EmptyIdle"}], default="PinRelease")
states["EmptyIdle"] = task(
    comment="An earlier release left instances on the idle colour: they go before the new ones come",
    resource=sdk("autoscaling", "updateAutoScalingGroup"),
    parameters={"AutoScalingGroupName.$": "$.plan.idle.group", "MinSize": 0, "DesiredCapacity": 0},
    result_path=None, retry=[ASG_RETRY], catch=TO_TEAR_DOWN, next="EmptiedStart")
states["EmptiedStart"] = pass_state(result={"n": 0}, result_path="$.count", next="EmptiedCheck")
states["EmptiedCheck"] = task(
    resource=sdk("autoscaling", "describeAutoScalingGroups"), parameters={"AutoScalingGroupNames.$": "States.Array($.plan.idle.group)"},
    result_selector={"instances.$": "$.AutoScalingGroups[0].Instances"}, result_path="$.emptied",
    catch=[missed(ASG_MISSED, "EmptiedCount"), catch_to("TearDown")], next="Emptied")
states["Emptied"] = choice(
    choices=[{"Variable": "$.emptied.instances[0]", "IsPresent": False, "Next": "PinRelease"}], default="EmptiedCount")
states["EmptiedCount"] = pass_state(parameters={"n.$": "States.MathAdd($.count.n, 1)"}, result_path="$.count", next="EmptiedLimit")
states["EmptiedLimit"] = choice(
    choices=[{"Variable": "$.count.n", "NumericGreaterThanEqualsPath": "$.plan.polls.empty.checks", "Next": "EmptiedTimedOut"}],
    default="EmptiedWait")
states["EmptiedWait"] = wait(seconds_path="$.plan.polls.empty.seconds", next="EmptiedCheck")
states["EmptiedTimedOut"] = pass_state(
    parameters={"Error": "Kiln.IdleNotEmptied",
                "Cause.$": "States.Format('the idle group {} still had instances of an earlier release at the deadline', $.plan.idle.group)"},
    result_path="$.error", next="TearDown")
states["PinRelease"] = task(
    comment="The release the idle colour's launches deploy (lifecycle-plan reads it), whatever the role's release becomes meanwhile",
    resource=integration("dynamodb", "putItem"),
    parameters={"TableName": "${ReleasesTable}", "Item": {
        "releaseKey": {"S.$": "States.Format('colour#{}#{}', $.plan.role, $.plan.idle.colour)"},
        "role": {"S.$": "$.plan.role"}, "colour": {"S.$": "$.plan.idle.colour"}, "group": {"S.$": "$.plan.idle.group"},
        "release": {"S.$": "$.plan.release"}, "imageId": {"S.$": "$.plan.image.imageId"},
        "execution": {"S.$": "$$.Execution.Id"}, "pinnedAt": {"S.$": "$$.State.EnteredTime"}}},
    result_path=None, retry=[DDB_RETRY], catch=TO_TEAR_DOWN, next="NewVersion")
states["NewVersion"] = task(
    comment="The idle group's launch template version with the new image: a numbered version, never $Latest or $Default",
    resource=sdk("ec2", "createLaunchTemplateVersion"),
    parameters={"LaunchTemplateId.$": "$.plan.template.LaunchTemplateId", "SourceVersion.$": "$.plan.template.SourceVersion",
                "VersionDescription.$": "$.plan.template.VersionDescription",
                "LaunchTemplateData.$": "$.plan.template.LaunchTemplateData", "ClientToken.$": "$.plan.template.ClientToken"},
    result_selector={"number.$": "$.LaunchTemplateVersion.VersionNumber"}, result_path="$.version",
    retry=[EC2_RETRY], catch=TO_TEAR_DOWN, next="ScaleIdle")
states["ScaleIdle"] = task(
    comment="The idle colour launches the new version at the live colour's size; each launch goes through the launch workflow",
    resource=sdk("autoscaling", "updateAutoScalingGroup"),
    parameters={"AutoScalingGroupName.$": "$.plan.idle.group",
                "LaunchTemplate": {"LaunchTemplateId.$": "$.plan.template.LaunchTemplateId",
                                   "Version.$": "States.Format('{}', $.version.number)"},
                "MinSize.$": "$.plan.capacity.min", "MaxSize.$": "$.plan.capacity.max",
                "DesiredCapacity.$": "$.plan.capacity.desired"},
    result_path=None, retry=[ASG_RETRY], catch=TO_TEAR_DOWN, next="Preview")

# --- preview: the office sees the idle colour -------------------------------------------------------------------
# before the wait for health: a target group that no rule of a listener sends to is not health-checked (AWS reports
# its targets unused, Target.NotInUse), so the idle colour could never be found healthy without its preview rule
states["Preview"] = choice(
    choices=[{"Variable": "$.plan.preview.ruleArn", "IsString": True, "Next": "ChangePreview"}], default="AddPreview")
states["AddPreview"] = task(
    comment="Requests from the preview CIDRs go to the idle colour, before every other rule",
    resource=sdk("elasticloadbalancingv2", "createRule"),
    parameters={"ListenerArn.$": "$.plan.preview.create.ListenerArn", "Priority.$": "$.plan.preview.create.Priority",
                "Conditions.$": "$.plan.preview.create.Conditions", "Actions.$": "$.plan.preview.create.Actions",
                "Tags.$": "$.plan.preview.create.Tags"},
    result_selector={"ruleArn.$": "$.Rules[0].RuleArn"}, result_path="$.preview",
    retry=[ELB_RETRY], catch=TO_TEAR_DOWN, next="ReadyStart")
states["ChangePreview"] = task(
    comment="An earlier release left its preview rule: it now sends to this release's colour",
    resource=sdk("elasticloadbalancingv2", "modifyRule"),
    parameters={"RuleArn.$": "$.plan.preview.modify.RuleArn", "Conditions.$": "$.plan.preview.modify.Conditions",
                "Actions.$": "$.plan.preview.modify.Actions"},
    result_selector={"ruleArn.$": "$.Rules[0].RuleArn"}, result_path="$.preview",
    retry=[ELB_RETRY], catch=TO_TEAR_DOWN, next="ReadyStart")

# --- ready: every instance in service and healthy in the idle target group ------------------------------------
states["ReadyStart"] = pass_state(result={"n": 0}, result_path="$.count", next="ReadyWait")
states["ReadyWait"] = wait(seconds_path="$.plan.polls.ready.seconds", next="ReadyGroup")
states["ReadyGroup"] = task(
    resource=sdk("autoscaling", "describeAutoScalingGroups"), parameters={"AutoScalingGroupNames.$": "States.Array($.plan.idle.group)"},
    result_selector={"group.$": "$.AutoScalingGroups[0]"}, result_path="$.described",
    catch=[missed(ASG_MISSED, "ReadyCount"), catch_to("TearDown")], next="ReadyHealth")
states["ReadyHealth"] = task(
    resource=sdk("elasticloadbalancingv2", "describeTargetHealth"), parameters={"TargetGroupArn.$": "$.plan.idle.targetGroupArn"},
    result_selector={"targets.$": "$.TargetHealthDescriptions"}, result_path="$.health",
    catch=[missed(ELB_MISSED, "ReadyCount"), catch_to("TearDown")], next="ReadyCheck")
states["ReadyCheck"] = lambda_task(
    comment="Every instance the group wants is in service (its launch workflow said CONTINUE) and healthy in the target group",
    function="${BlueGreenCheckFunctionArn}",
    payload={"group.$": "$.described.group", "targets.$": "$.health.targets", "desired.$": "$.plan.capacity.desired"},
    result_selector={"ready.$": "$.Payload.ready", "instances.$": "$.Payload.instances", "status.$": "$.Payload.status",
                     "problem.$": "$.Payload.problem"},
    result_path="$.ready", retry=[LAMBDA_RETRY], catch=TO_TEAR_DOWN, next="Ready")
states["Ready"] = choice(
    choices=[{"Variable": "$.ready.ready", "BooleanEquals": True, "Next": "SmokeChecks"},
             {"Variable": "$.ready.problem", "IsString": True, "Next": "NotReady"}],
    default="ReadyCount")
states["ReadyCount"] = pass_state(parameters={"n.$": "States.MathAdd($.count.n, 1)"}, result_path="$.count", next="ReadyLimit")
states["ReadyLimit"] = choice(
    choices=[{"Variable": "$.count.n", "NumericGreaterThanEqualsPath": "$.plan.polls.ready.checks", "Next": "ReadyTimedOut"}],
    default="ReadyWait")
states["NotReady"] = pass_state(
    parameters={"Error": "Kiln.IdleColourFailed", "Cause.$": "$.ready.problem"}, result_path="$.error", next="TearDown")
states["ReadyTimedOut"] = pass_state(
    parameters={"Error": "Kiln.IdleColourNotReady",
                "Cause.$": "States.Format('the idle group {} was not ready in time: {}', $.plan.idle.group, $.ready.status)"},
    result_path="$.error", next="TearDown")

# --- smoke checks: on every instance of the idle colour, through Run Command --------------------------------------
states["SmokeChecks"] = choice(
    choices=[{"Variable": "$.plan.smoke", "IsNull": False, "Next": "SmokeSend"}], default="PreviewReadyEvent")
states["SmokeSend"] = task(
    comment="Run Command: the role's smoke checks on each instance of the idle colour",
    resource=sdk("ssm", "sendCommand"),
    parameters={"DocumentName": "AWS-RunShellScript", "InstanceIds.$": "$.ready.instances",
                "Parameters.$": "$.plan.smoke.parameters", "OutputS3BucketName.$": "$.plan.logs.bucket",
                "OutputS3KeyPrefix.$": "$.plan.smoke.outputPrefix",
                "Comment.$": "States.Format('kiln blue-green smoke checks of {}', $.plan.role)"},
    result_selector={"commandId.$": "$.Command.CommandId"}, result_path="$.smoke",
    retry=[SSM_RETRY], catch=TO_TEAR_DOWN, next="SmokeStart")
states["SmokeStart"] = pass_state(result={"n": 0}, result_path="$.count", next="SmokeWait")
states["SmokeWait"] = wait(seconds_path="$.plan.polls.smoke.seconds", next="SmokeCheck")
states["SmokeCheck"] = task(
    resource=sdk("ssm", "listCommands"), parameters={"CommandId.$": "$.smoke.commandId"},
    result_selector={"commandId.$": "$.Commands[0].CommandId", "status.$": "$.Commands[0].Status"}, result_path="$.smoke",
    catch=[missed(SSM_MISSED, "SmokeCount"), catch_to("TearDown")], next="SmokeDone")
states["SmokeDone"] = choice(
    choices=[{"Variable": "$.smoke.status", "StringEquals": "Success", "Next": "PreviewReadyEvent"},
             {"Or": [{"Variable": "$.smoke.status", "StringEquals": status} for status in ("Pending", "InProgress")],
              "Next": "SmokeCount"}],
    default="SmokeFailed")
states["SmokeCount"] = pass_state(parameters={"n.$": "States.MathAdd($.count.n, 1)"}, result_path="$.count", next="SmokeLimit")
states["SmokeLimit"] = choice(
    choices=[{"Variable": "$.count.n", "NumericGreaterThanEqualsPath": "$.plan.polls.smoke.checks", "Next": "SmokeTimedOut"}],
    default="SmokeWait")
states["SmokeFailed"] = pass_state(
    parameters={"Error.$": "$.plan.smoke.failure",
                "Cause.$": "States.Format('the smoke checks ended {} on the idle colour {} (command {}, output: {}smoke/)', $.smoke.status, $.plan.idle.group, $.smoke.commandId, $.plan.logs.uri)"},
    result_path="$.error", next="TearDown")
states["SmokeTimedOut"] = pass_state(
    parameters={"Error.$": "$.plan.smoke.failure",
                "Cause.$": "States.Format('the smoke checks did not finish in time on the idle colour {} (command {}, output: {}smoke/)', $.plan.idle.group, $.smoke.commandId, $.plan.logs.uri)"},
    result_path="$.error", next="TearDown")

# --- approval: a person looks at the preview and decides --------------------------------------------------------
states["PreviewReadyEvent"] = task(
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.blue-green", "DetailType": "Preview Ready",
                             "Detail": {"role.$": "$.plan.role", "execution.$": "$$.Execution.Id", "summary.$": "$.plan.summary",
                                        "imageId.$": "$.plan.image.imageId", "version.$": "$.plan.version",
                                        "live.$": "$.plan.live", "idle.$": "$.plan.idle", "previewRuleArn.$": "$.preview.ruleArn",
                                        "previewAddress.$": "$.plan.previewAddress", "previewCidrs.$": "$.plan.previewCidrs"}}]},
    result_path=None, retry=[EVENTS_PUT_RETRY], catch=[catch_to("AskApproval", result_path="$.tellError")], next="AskApproval")
states["AskApproval"] = wait_for_token(
    comment="Tells the approvers what changed with a signed, single-use link, and waits for their decision (or the CLI's)",
    function="${BlueGreenApprovalFunctionArn}",
    payload={"token.$": "$$.Task.Token", "kind": "approval", "execution.$": "$$.Execution.Id", "plan.$": "$.plan",
             "timeoutSeconds.$": "$.plan.approval.timeoutSeconds"},
    timeout_seconds_path="$.plan.approval.timeoutSeconds", result_path="$.decision",
    retry=[LAMBDA_RETRY],
    catch=[catch_to("Rejected", errors=["Kiln.ReleaseRejected"]),
           catch_to("ApprovalTimedOut", errors=["States.Timeout"], result_path="$.timeout")] + TO_TEAR_DOWN,
    next="ApprovedEvent")
states["ApprovalTimedOut"] = pass_state(
    parameters={"Error": "Kiln.ApprovalTimedOut",
                "Cause.$": "States.Format('nobody approved the release of {} in {} seconds', $.plan.role, $.plan.approval.timeoutSeconds)"},
    result_path="$.error", next="TearDown")
states.update(tell(
    "Approved", detail_type="Release Approved", detail={"decidedBy.$": "$.decision.by"},
    subject="States.Format('Kiln release of {} approved', $.plan.role)",
    message="States.Format('{}Approved by {}: the switch starts now.', $.plan.mail.lead, $.decision.by)",
    next="Switch", on_failure=None))

# --- switch: the listener's default action, step by step ----------------------------------------------------------
step = {}
step["Send"] = task(
    resource=sdk("elasticloadbalancingv2", "modifyListener"),
    parameters={"ListenerArn.$": "$.listenerArn", "DefaultActions.$": "$.step.actions"},
    result_path=None, retry=[ELB_RETRY], next="Last")
step["Last"] = choice(choices=[{"Variable": "$.step.last", "BooleanEquals": True, "Next": "Sent"}], default="Pause")
step["Pause"] = wait(seconds_path="$.step.pauseSeconds", next="WatchesAlarms")
step["WatchesAlarms"] = choice(choices=[{"Variable": "$.watchesAlarms", "BooleanEquals": True, "Next": "Alarms"}], default="Sent")
step["Alarms"] = task(
    resource=sdk("cloudwatch", "describeAlarms"), parameters={"AlarmNames.$": "$.alarms", "StateValue": "ALARM"},
    result_selector={"metric.$": "$.MetricAlarms", "composite.$": "$.CompositeAlarms"}, result_path="$.alarming",
    retry=[{"ErrorEquals": ["CloudWatch.CloudWatchException"], "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2,
            "JitterStrategy": "FULL"}],
    next="Alarming")
step["Alarming"] = choice(
    choices=[{"Or": [{"Variable": "$.alarming.metric[0]", "IsPresent": True},
                     {"Variable": "$.alarming.composite[0]", "IsPresent": True}], "Next": "AlarmDuringSwitch"}],
    default="Sent")
step["AlarmDuringSwitch"] = fail(error_path="$.step.alarmError", cause_path="$.step.alarmCause")
step["Sent"] = pass_state(parameters={"percent.$": "$.step.percent"}, end=True)
states["Switch"] = map_state(
    comment="One step after the other: the new colour's share of requests, a pause, the alarms; an alarm switches back",
    processor=inline(step), items_path="$.plan.steps", max_concurrency=1,
    item_selector={"step": {"percent.$": "$$.Map.Item.Value.percent", "actions.$": "$$.Map.Item.Value.actions",
                            "pauseSeconds.$": "$$.Map.Item.Value.pauseSeconds", "last.$": "$$.Map.Item.Value.last",
                            "alarmError": "Kiln.AlarmDuringSwitch",
                            "alarmCause.$": "States.Format('an alarm of the role went off with {} percent of requests on the new colour', $$.Map.Item.Value.percent)"},
                   "listenerArn.$": "$.plan.listenerArn", "alarms.$": "$.plan.alarms", "watchesAlarms.$": "$.plan.watchesAlarms"},
    result_path=None, catch=[catch_to("SwitchBack")], next="RemovePreview")
states["SwitchBack"] = task(
    comment="A step failed: everything goes back to the live colour before the idle one is taken down",
    resource=sdk("elasticloadbalancingv2", "modifyListener"),
    parameters={"ListenerArn.$": "$.plan.listenerArn", "DefaultActions.$": "$.plan.backToLive"},
    result_path=None, retry=[ELB_RETRY, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 6, "BackoffRate": 2}],
    catch=[catch_to("FailureName", result_path="$.switchBackError")], next="TearDown")

# --- after the switch: nothing is torn down any more ------------------------------------------------------------------
states["RemovePreview"] = task(
    resource=sdk("elasticloadbalancingv2", "deleteRule"), parameters={"RuleArn.$": "$.preview.ruleArn"},
    result_path=None, retry=[ELB_RETRY], catch=[catch_to("RecordLive", result_path="$.removePreviewError")], next="RecordLive")
states["RecordLive"] = task(
    comment="What the live colour runs now: the next release compares with it",
    resource=integration("dynamodb", "putItem"),
    parameters={"TableName": "${ReleasesTable}", "Item": {
        "releaseKey": {"S.$": "States.Format('live#{}', $.plan.role)"}, "role": {"S.$": "$.plan.role"},
        "colour": {"S.$": "$.plan.idle.colour"}, "imageId": {"S.$": "$.plan.image.imageId"}, "sha": {"S.$": "$.plan.image.sha"}, "release": {"S.$": "$.plan.release"},
        "execution": {"S.$": "$$.Execution.Id"}, "switchedAt": {"S.$": "$$.State.EnteredTime"}}},
    result_path=None, retry=[DDB_RETRY], catch=[catch_to("SwitchedEvent", result_path="$.recordLiveError")],
    next="SwitchedEvent")
states.update(tell(
    "Switched", detail_type="Switched", detail={"keepOldSeconds.$": "$.plan.keepOldSeconds"},
    subject="States.Format('Kiln release of {} switched to {}', $.plan.role, $.plan.idle.colour)",
    message="$.plan.mail.switched",
    next="KeepsOld", on_failure=None))
states["KeepsOld"] = choice(
    choices=[{"Variable": "$.plan.keepOldSeconds", "NumericGreaterThan": 0, "Next": "RollbackWindow"}], default="RetireOld")
states["RollbackWindow"] = wait_for_token(
    comment="The old colour keeps its instances; a rollback (the CLI's) ends the wait at once",
    function="${BlueGreenApprovalFunctionArn}",
    payload={"token.$": "$$.Task.Token", "kind": "rollback", "execution.$": "$$.Execution.Id", "plan.$": "$.plan",
             "timeoutSeconds.$": "$.plan.keepOldSeconds"},
    timeout_seconds_path="$.plan.keepOldSeconds", result_path="$.decision", retry=[LAMBDA_RETRY],
    catch=[catch_to("RetireOld", errors=["States.Timeout"], result_path="$.timeout"),
           catch_to("WindowWithoutRollback", result_path="$.windowError")],
    next="RollBack")
states["WindowWithoutRollback"] = wait(seconds_path="$.plan.keepOldSeconds", next="RetireOld")
states["RetireOld"] = scale_to_zero("RetireOld", group="$.plan.live.group", next="SwitchedOutcome",
                                    comment="The rollback window is over: the old colour lets its instances go (they drain)")
states["SwitchedOutcome"] = pass_state(result="switched", result_path="$.outcome", next="Unlock")
states["RollBack"] = task(
    comment="Everything back to the old colour at once",
    resource=sdk("elasticloadbalancingv2", "modifyListener"),
    parameters={"ListenerArn.$": "$.plan.listenerArn", "DefaultActions.$": "$.plan.backToLive"},
    result_path=None, retry=[ELB_RETRY], catch=[catch_to("FailureName")], next="ForgetLive")
states["ForgetLive"] = choice(
    choices=[{"Variable": "$.plan.livePreviously", "IsNull": False, "Next": "RestoreLive"}], default="DropLive")
states["RestoreLive"] = task(
    comment="The old colour is live again: so is the record of what it runs",
    resource=integration("dynamodb", "putItem"),
    parameters={"TableName": "${ReleasesTable}", "Item": {
        "releaseKey": {"S.$": "States.Format('live#{}', $.plan.role)"}, "role": {"S.$": "$.plan.role"},
        "colour": {"S.$": "$.plan.livePreviously.colour"}, "imageId": {"S.$": "$.plan.livePreviously.imageId"},
        "sha": {"S.$": "$.plan.livePreviously.sha"}, "release": {"S.$": "$.plan.livePreviously.release"},
        "execution": {"S.$": "$$.Execution.Id"}, "switchedAt": {"S.$": "$$.State.EnteredTime"}}},
    result_path=None, retry=[DDB_RETRY], catch=[catch_to("RolledBackEvent", result_path="$.recordLiveError")],
    next="RolledBackEvent")
states["DropLive"] = task(
    comment="What the old colour runs was never recorded: neither is it now",
    resource=integration("dynamodb", "deleteItem"),
    parameters={"TableName": "${ReleasesTable}", "Key": {"releaseKey": {"S.$": "States.Format('live#{}', $.plan.role)"}}},
    result_path=None, retry=[DDB_RETRY], catch=[catch_to("RolledBackEvent", result_path="$.recordLiveError")],
    next="RolledBackEvent")
states.update(tell(
    "RolledBack", detail_type="Rolled Back", detail={"decidedBy.$": "$.decision.by"},
    subject="States.Format('Kiln release of {} rolled back to {}', $.plan.role, $.plan.live.colour)",
    message="States.Format('{}Rolled back by {}: every request goes to {} ({}) again; {} ({}) lets its instances go.', $.plan.mail.lead, $.decision.by, $.plan.live.colour, $.plan.live.group, $.plan.idle.colour, $.plan.idle.group)",
    next="RetireNew", on_failure=None))
states["RetireNew"] = scale_to_zero("RetireNew", group="$.plan.idle.group", next="RolledBackOutcome",
                                    comment="The rolled-back colour lets its instances go")
states["RolledBackOutcome"] = pass_state(result="rolledBack", result_path="$.outcome", next="Unlock")

# --- the end: the role is free for its next release -------------------------------------------------------------------
states["Unlock"] = task(
    resource=integration("dynamodb", "deleteItem"),
    parameters={"TableName": "${ReleasesTable}", "Key": {"releaseKey": {"S.$": RELEASE_KEY}},
                "ConditionExpression": "execution = :me", "ExpressionAttributeValues": {":me": {"S.$": "$$.Execution.Id"}}},
    result_path=None, retry=[DDB_RETRY], catch=[catch_to("Released", result_path="$.unlockError")], next="Released")
states["Released"] = pass_state(
    parameters={"summary.$": "$.plan.summary", "outcome.$": "$.outcome"}, end=True)

# --- tear down: before the switch, the idle colour goes and the public side never moved ----------------------------------
states["TearDown"] = choice(
    choices=[{"Variable": "$.preview.ruleArn", "IsString": True, "Next": "RemoveRejectedPreview"}], default="EmptyRejected")
states["RemoveRejectedPreview"] = task(
    resource=sdk("elasticloadbalancingv2", "deleteRule"), parameters={"RuleArn.$": "$.preview.ruleArn"},
    result_path=None, retry=[ELB_RETRY], catch=[catch_to("EmptyRejected", result_path="$.removePreviewError")],
    next="EmptyRejected")
states["EmptyRejected"] = scale_to_zero("EmptyRejected", group="$.plan.idle.group", next="UnlockRejected",
                                        comment="The idle colour lets the new instances go; the live colour is untouched")
states["UnlockRejected"] = task(
    resource=integration("dynamodb", "deleteItem"),
    parameters={"TableName": "${ReleasesTable}", "Key": {"releaseKey": {"S.$": RELEASE_KEY}},
                "ConditionExpression": "execution = :me", "ExpressionAttributeValues": {":me": {"S.$": "$$.Execution.Id"}}},
    result_path=None, retry=[DDB_RETRY], catch=[catch_to("FailureName", result_path="$.unlockError")], next="FailureName")
states["Rejected"] = pass_state(
    parameters={"Error": "Kiln.ReleaseRejected", "Cause.$": "$.error.Cause"}, result_path="$.error", next="RejectedEvent")
states.update(tell(
    "Rejected", detail_type="Release Rejected", detail={"reason.$": "$.error.Cause"},
    subject="States.Format('Kiln release of {} rejected', $.plan.role)",
    message="States.Format('{}{}. The preview goes and {} ({}) lets its new instances go; {} ({}) serves as before.', $.plan.mail.lead, $.error.Cause, $.plan.idle.colour, $.plan.idle.group, $.plan.live.colour, $.plan.live.group)",
    next="TearDown", on_failure=None))
states.update(failure_states())

definition = machine(
    comment="Release a role to its idle colour, preview it from the office, switch after an approval, keep a way back",
    timeout_seconds=9 * 24 * 3600, states=states)

if __name__ == "__main__":
    main(__file__, {"blue-green": lambda: definition})
