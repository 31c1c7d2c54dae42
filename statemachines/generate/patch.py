"""Generates statemachines/patch.asl.json.

Edit this file, not the JSON, then: python3 statemachines/generate/patch.py --write
(python3 patch.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from collections import OrderedDict as O

from asl import DDB_RETRY, EVENTS_PUT_RETRY, LAMBDA_RETRY, SNS_RETRY, failure_states, main
S = O()
def failure_to(name): return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": name}]

S["Plan"] = O([("Comment", "Checks the advisory, claims its patch (one per advisory) and finds the roles whose images carry its packages"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${PatchPlanFunctionArn}", "Payload": {"event.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id"}}),
    ("ResultSelector", {"plan.$": "$.Payload"}), ("ResultPath", "$"),
    ("Retry", [LAMBDA_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "IsDuplicate")])
S["IsDuplicate"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}]),
    ("Default", "IsAffected")])
S["Duplicate"] = O([("Comment", "Another execution holds this advisory's patch: nothing to do"), ("Type", "Pass"),
    ("Parameters", {"duplicate": True, "heldBy.$": "$.plan.heldBy", "summary.$": "$.plan.summary"}), ("End", True)])
S["IsAffected"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.plan.affected[0]", "IsPresent": False, "Next": "RecordUnaffected"}]),
    ("Default", "Open")])
S["Open"] = O([("Comment", "The advisory is open for each affected role: every later bake of the role applies it (bake-plan reads advisories#<role>)"),
    ("Type", "Map"), ("ItemsPath", "$.plan.affected"), ("MaxConcurrency", 5),
    ("ItemSelector", {"role.$": "$$.Map.Item.Value.role", "entry.$": "$.plan.openEntry"}),
    ("ItemProcessor", {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Remember", "States": {"Remember": O([
        ("Type", "Task"), ("Resource", "arn:aws:states:::dynamodb:updateItem"),
        ("Parameters", {"TableName": "${BakesTable}", "Key": {"bakeKey": {"S.$": "States.Format('advisories#{}', $.role)"}},
                        "UpdateExpression": "ADD advisories :entry",
                        "ExpressionAttributeValues": {":entry": {"SS.$": "States.Array($.entry)"}}}),
        ("ResultPath", None), ("Retry", [DDB_RETRY]), ("End", True)])}}),
    ("ResultPath", None), ("Catch", failure_to("FailureName")), ("Next", "IsImmediate")])
S["IsImmediate"] = O([("Comment", "A severity the configuration does not patch at once waits for the roles' next bakes"),
    ("Type", "Choice"), ("Choices", [{"Variable": "$.plan.immediate", "BooleanEquals": False, "Next": "RecordWaiting"}]),
    ("Default", "Bake")])

def record(name, state, comment):
    S[name] = O([("Comment", comment), ("Type", "Task"), ("Resource", "arn:aws:states:::dynamodb:putItem"),
        ("Parameters", {"TableName": "${LedgerTable}", "Item": {
            "key": {"S.$": "States.Format('patch#{}', $.plan.advisory.id)"},
            "state": {"S": state}, "executionArn": {"S.$": "$$.Execution.Id"},
            "summary": {"S.$": "$.plan.summary"}, "finishedAt": {"S.$": "$$.State.EnteredTime"}}}),
        ("ResultPath", None), ("Retry", [DDB_RETRY]), ("Next", "Summary")])
record("RecordUnaffected", "NOT_AFFECTED", "No role's image carries the advisory's packages")
record("RecordWaiting", "WAITING", "Queued for the affected roles' next bakes")
S["Summary"] = O([("Type", "Pass"), ("Parameters", {"summary.$": "$.plan.summary"}), ("End", True)])

bake_states = O()
bake_states["StartBake"] = O([("Comment", "bake, with the advisory; waits for it to end"), ("Type", "Task"),
    ("Resource", "arn:aws:states:::states:startExecution.sync:2"),
    ("Parameters", {"StateMachineArn": "${BakeStateMachineArn}", "Name.$": "$.name", "Input.$": "$.input"}),
    ("ResultSelector", {"output.$": "$.Output"}), ("ResultPath", "$.result"),
    ("Catch", [{"ErrorEquals": ["Sfn.ExecutionAlreadyExistsException", "SFN.ExecutionAlreadyExistsException"], "ResultPath": "$.error", "Next": "StartedBefore"},
               {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "BakeFailed"}]),
    ("Next", "BakeEnded")])
bake_states["BakeEnded"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.result.output.imageId", "IsPresent": True, "Next": "Baked"}]),
    ("Default", "BakedBefore")])
bake_states["Baked"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "SUCCEEDED", "imageId.$": "$.result.output.imageId"}), ("End", True)])
bake_states["BakedBefore"] = O([("Comment", "This bake of the role, commit and advisory was done before (a patch run again)"), ("Type", "Pass"),
    ("Parameters", {"role.$": "$.role", "status": "SUCCEEDED"}), ("End", True)])
bake_states["StartedBefore"] = O([("Comment", "A patch run again: the bake of that name exists; how did it end?"), ("Type", "Task"),
    ("Resource", "arn:aws:states:::aws-sdk:sfn:describeExecution"),
    ("Parameters", {"ExecutionArn.$": "States.Format('${BakeExecutionPrefix}{}', $.name)"}),
    ("ResultSelector", {"status.$": "$.Status"}), ("ResultPath", "$.before"),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "BakeFailed"}]), ("Next", "EndedBefore")])
bake_states["EndedBefore"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.before.status", "StringEquals": "SUCCEEDED", "Next": "BakedBefore"}]),
    ("Default", "NotBakedBefore")])
bake_states["NotBakedBefore"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "FAILED", "error": "Kiln.BakeNotSucceeded",
    "cause.$": "States.Format('the bake {} started by an earlier run of this patch ended {}', $.name, $.before.status)"}), ("End", True)])
bake_states["BakeFailed"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "FAILED", "error.$": "$.error.Error", "cause.$": "$.error.Cause"}), ("End", True)])
S["Bake"] = O([("Comment", "The topmost affected roles, baked with the advisory"), ("Type", "Map"), ("ItemsPath", "$.plan.bakes"),
    ("MaxConcurrency", 4), ("ItemProcessor", {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "StartBake", "States": bake_states}),
    ("ResultPath", "$.baked"), ("Next", "Follow")])

def get(name, table, key, selector, result, nxt, on_error, retry=True):
    """A consistent read; in the follow loop (retry False) a failed read is a missed ask, counted, not retried."""
    return O([("Type", "Task"), ("Resource", "arn:aws:states:::dynamodb:getItem"),
        ("Parameters", {"TableName": table, "Key": key, "ConsistentRead": True}),
        ("ResultSelector", selector), ("ResultPath", result)] + ([("Retry", [DDB_RETRY])] if retry else []) + [
        ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.lookError", "Next": on_error}]), ("Next", nxt)])
f = O()
f["FollowParent"] = get("FollowParent", "${BakesTable}", {"bakeKey": {"S.$": "States.Format('current#{}', $.parentRole)"}},
    {"imageId.$": "$.Item.imageId.S"}, "$.parent", "ParentPatched", "ParentNotPatched")
f["ParentPatched"] = O([("Comment", "The parent's turn is over (bakes first, then followers parent first): it has a new image or never will"),
    ("Type", "Choice"), ("Choices", [{"Not": {"Variable": "$.parent.imageId", "StringEqualsPath": "$.parentImageBefore"}, "Next": "FollowWait"}]),
    ("Default", "ParentNotPatched")])
f["ParentNotPatched"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "FAILED", "error": "Kiln.ParentNotPatched",
    "cause.$": "States.Format('{} has no new image from this patch, so {} cannot be re-baked on one', $.parentRole, $.role)"}), ("End", True)])
f["FollowWait"] = O([("Type", "Wait"), ("SecondsPath", "$.polls.seconds"), ("Next", "FollowChild")])
f["FollowChild"] = get("FollowChild", "${BakesTable}", {"bakeKey": {"S.$": "States.Format('current#{}', $.role)"}},
    {"imageId.$": "$.Item.imageId.S"}, "$.child", "FollowChildImage", "FollowCount", retry=False)
f["FollowChildImage"] = get("FollowChildImage", "${ImagesTable}", {"imageId": {"S.$": "$.child.imageId"}},
    {"parentImageId.$": "$.Item.parentImageId.S"}, "$.childImage", "FollowedYet", "FollowCount", retry=False)
f["FollowedYet"] = O([("Comment", "Re-baked by bake-children on the parent's new image"), ("Type", "Choice"),
    ("Choices", [{"And": [{"Not": {"Variable": "$.child.imageId", "StringEqualsPath": "$.imageBefore"}},
                          {"Variable": "$.childImage.parentImageId", "StringEqualsPath": "$.parent.imageId"}], "Next": "Followed"}]),
    ("Default", "FollowCount")])
f["FollowCount"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "parentRole.$": "$.parentRole",
    "imageBefore.$": "$.imageBefore", "parentImageBefore.$": "$.parentImageBefore",
    "polls.$": "$.polls", "parent.$": "$.parent", "n.$": "States.MathAdd($.n, 1)"}), ("Next", "FollowGiveUp")])
f["FollowGiveUp"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.polls.checks", "Next": "FollowTimedOut"}]),
    ("Default", "FollowWait")])
f["FollowTimedOut"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "TIMED_OUT"}), ("End", True)])
f["Followed"] = O([("Type", "Pass"), ("Parameters", {"role.$": "$.role", "status": "SUCCEEDED", "imageId.$": "$.child.imageId"}), ("End", True)])
S["Follow"] = O([("Comment", "Affected roles built on an affected role: Kiln re-bakes them on their parent's new image (bake-children); wait for that, parent first"),
    ("Type", "Map"), ("ItemsPath", "$.plan.followers"), ("MaxConcurrency", 1),
    ("ItemSelector", {"role.$": "$$.Map.Item.Value.role", "parentRole.$": "$$.Map.Item.Value.parentRole",
                      "imageBefore.$": "$$.Map.Item.Value.imageBefore", "parentImageBefore.$": "$$.Map.Item.Value.parentImageBefore",
                      "polls.$": "$.plan.polls", "n": 0}),
    ("ItemProcessor", {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "FollowParent", "States": f}),
    ("ResultPath", "$.followed"), ("Next", "Report")])
S["Report"] = O([("Comment", "What was patched, the rotation to ask for, the record and the summary"), ("Type", "Task"),
    ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${PatchReportFunctionArn}", "Payload": {"plan.$": "$.plan", "baked.$": "$.baked",
        "followed.$": "$.followed", "executionArn.$": "$$.Execution.Id"}}),
    ("ResultSelector", {"complete.$": "$.Payload.complete", "hasRotation.$": "$.Payload.hasRotation", "rotation.$": "$.Payload.rotation",
        "state.$": "$.Payload.state", "details.$": "$.Payload.details", "subject.$": "$.Payload.subject", "message.$": "$.Payload.message"}),
    ("ResultPath", "$.report"), ("Retry", [LAMBDA_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "Record")])
S["Record"] = O([("Comment", "Which advisory was closed on which role, and when"), ("Type", "Task"), ("Resource", "arn:aws:states:::dynamodb:putItem"),
    ("Parameters", {"TableName": "${LedgerTable}", "Item": {
        "key": {"S.$": "States.Format('patch#{}', $.plan.advisory.id)"}, "state": {"S.$": "$.report.state"},
        "executionArn": {"S.$": "$$.Execution.Id"}, "summary": {"S.$": "$.report.message"}, "roles": {"S.$": "$.report.details"},
        "finishedAt": {"S.$": "$$.State.EnteredTime"}}}),
    ("ResultPath", None), ("Retry", [DDB_RETRY]), ("Next", "HasRotation")])
S["HasRotation"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.report.hasRotation", "BooleanEquals": True, "Next": "RequestRotation"}]),
    ("Default", "Tell")])
S["RequestRotation"] = O([("Comment", "rotate replaces these roles' fleets now rather than at night"), ("Type", "Task"),
    ("Resource", "arn:aws:states:::events:putEvents"),
    ("Parameters", {"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.patch", "DetailType": "Rotation Requested",
                                 "Detail.$": "$.report.rotation"}]}),
    ("ResultPath", None),
    ("Retry", [EVENTS_PUT_RETRY]),
    ("Catch", failure_to("FailureName")), ("Next", "Tell")])
S["Tell"] = O([("Type", "Task"), ("Resource", "arn:aws:states:::sns:publish"),
    ("Parameters", {"TopicArn": "${NotificationTopicArn}", "Subject.$": "$.report.subject", "Message.$": "$.report.message",
        "MessageAttributes": {"workflow": {"DataType": "String", "StringValue": "patch"},
                              "status": {"DataType": "String", "StringValue.$": "$.report.state"}}}),
    ("ResultPath", None),
    ("Retry", [SNS_RETRY]),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.tellError", "Next": "IsComplete"}]), ("Next", "IsComplete")])
S["IsComplete"] = O([("Type", "Choice"), ("Choices", [
        {"Variable": "$.report.complete", "BooleanEquals": True, "Next": "Patched"},
        {"Variable": "$.tellError", "IsPresent": True, "Next": "Incomplete"}]),
    ("Default", "IncompleteTold")])
S["Patched"] = O([("Type", "Pass"), ("Parameters", {"summary.$": "$.report.subject", "rotation.$": "$.report.rotation"}), ("End", True)])
S["IncompleteTold"] = O([("Comment", "The summary told the team already: notify skips Kiln.Reported.* errors, so one failure is one message"),
    ("Type", "Pass"), ("Parameters", {"Error": "Kiln.Reported.PatchIncomplete", "Cause.$": "$.report.message"}),
    ("ResultPath", "$.error"), ("Next", "FailureName")])
S["Incomplete"] = O([("Comment", "The summary could not be sent: notify tells the team of the failure"),
    ("Type", "Pass"), ("Parameters", {"Error": "Kiln.PatchIncomplete", "Cause.$": "$.report.message"}),
    ("ResultPath", "$.error"), ("Next", "FailureName")])
S.update(failure_states())
doc = O([("Comment", "One security advisory: bake the roles whose images carry it, wait for the roles built on them, ask for their rotation, record and tell"),
    ("StartAt", "Plan"), ("TimeoutSeconds", 86400), ("States", S)])
if __name__ == "__main__":
    main(__file__, {"patch": lambda: doc})
