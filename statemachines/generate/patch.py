"""Generates statemachines/patch.asl.json: one security advisory, patched.

Plan → open the advisory for every affected role (later bakes apply it) → bake the topmost affected roles
with it → wait for the roles built on them to be re-baked on their parent's new image → report, record,
ask for a rotation, tell. An advisory that affects no role, or waits for the next bakes, is recorded and ends.

Edit this file, not the JSON, then: python3 statemachines/generate/patch.py --write
(python3 patch.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from asl import (DDB_RETRY, EVENTS_PUT_RETRY, LAMBDA_RETRY, SNS_RETRY, catch_to, choice, failure_states, inline, integration,
                 lambda_task, machine, main, map_state, pass_state, sdk, task, wait)

TO_FAILURE = [catch_to("FailureName")]

states = {}

# --- plan and open the advisory ------------------------------------------------------------------
states["Plan"] = lambda_task(
    comment="Checks the advisory, claims its patch (one per advisory) and finds the roles whose images carry its packages",
    function="${PatchPlanFunctionArn}", payload={"event.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id"},
    result_selector={"plan.$": "$.Payload"}, result_path="$",
    retry=[LAMBDA_RETRY], catch=TO_FAILURE, next="IsDuplicate")
states["IsDuplicate"] = choice(
    choices=[{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}], default="IsAffected")
states["Duplicate"] = pass_state(
    comment="Another execution holds this advisory's patch: nothing to do",
    parameters={"duplicate": True, "heldBy.$": "$.plan.heldBy", "summary.$": "$.plan.summary"}, end=True)
states["IsAffected"] = choice(
    choices=[{"Variable": "$.plan.affected[0]", "IsPresent": False, "Next": "RecordUnaffected"}], default="Open")
states["Open"] = map_state(
    comment="The advisory is open for each affected role: every later bake of the role applies it (bake-plan reads advisories#<role>)",
    items_path="$.plan.affected", max_concurrency=5,
    item_selector={"role.$": "$$.Map.Item.Value.role", "entry.$": "$.plan.openEntry"},
    processor=inline({"Remember": task(
        resource=integration("dynamodb", "updateItem"),
        parameters={"TableName": "${BakesTable}", "Key": {"bakeKey": {"S.$": "States.Format('advisories#{}', $.role)"}},
                    "UpdateExpression": "ADD advisories :entry",
                    "ExpressionAttributeValues": {":entry": {"SS.$": "States.Array($.entry)"}}},
        result_path=None, retry=[DDB_RETRY], end=True)}),
    result_path=None, catch=TO_FAILURE, next="IsImmediate")
states["IsImmediate"] = choice(
    comment="A severity the configuration does not patch at once waits for the roles' next bakes",
    choices=[{"Variable": "$.plan.immediate", "BooleanEquals": False, "Next": "RecordWaiting"}], default="Bake")


# --- nothing to bake now: recorded, done ------------------------------------------------------------
def record(state, comment):
    return task(
        comment=comment,
        resource=integration("dynamodb", "putItem"),
        parameters={"TableName": "${LedgerTable}", "Item": {
            "key": {"S.$": "States.Format('patch#{}', $.plan.advisory.id)"},
            "state": {"S": state}, "executionArn": {"S.$": "$$.Execution.Id"},
            "summary": {"S.$": "$.plan.summary"}, "finishedAt": {"S.$": "$$.State.EnteredTime"}}},
        result_path=None, retry=[DDB_RETRY], next="Summary")


states["RecordUnaffected"] = record("NOT_AFFECTED", "No role's image carries the advisory's packages")
states["RecordWaiting"] = record("WAITING", "Queued for the affected roles' next bakes")
states["Summary"] = pass_state(parameters={"summary.$": "$.plan.summary"}, end=True)

# --- bake the topmost affected roles ------------------------------------------------------------------
states["Bake"] = map_state(
    comment="The topmost affected roles, baked with the advisory",
    items_path="$.plan.bakes", max_concurrency=4,
    processor=inline({
        "StartBake": task(
            comment="bake, with the advisory; waits for it to end",
            resource=integration("states", "startExecution.sync:2"),
            parameters={"StateMachineArn": "${BakeStateMachineArn}", "Name.$": "$.name", "Input.$": "$.input"},
            result_selector={"output.$": "$.Output"}, result_path="$.result",
            catch=[catch_to("StartedBefore", errors=["Sfn.ExecutionAlreadyExistsException", "SFN.ExecutionAlreadyExistsException"]),
                   catch_to("BakeFailed")],
            next="BakeEnded"),
        "BakeEnded": choice(
            choices=[{"Variable": "$.result.output.imageId", "IsPresent": True, "Next": "Baked"}], default="BakedBefore"),
        "Baked": pass_state(parameters={"role.$": "$.role", "status": "SUCCEEDED", "imageId.$": "$.result.output.imageId"},
                            end=True),
        "BakedBefore": pass_state(
            comment="This bake of the role, commit and advisory was done before (a patch run again)",
            parameters={"role.$": "$.role", "status": "SUCCEEDED"}, end=True),
        "StartedBefore": task(
            comment="A patch run again: the bake of that name exists; how did it end?",
            resource=sdk("sfn", "describeExecution"),
            parameters={"ExecutionArn.$": "States.Format('${BakeExecutionPrefix}{}', $.name)"},
            result_selector={"status.$": "$.Status"}, result_path="$.before",
            catch=[catch_to("BakeFailed")], next="EndedBefore"),
        "EndedBefore": choice(
            choices=[{"Variable": "$.before.status", "StringEquals": "SUCCEEDED", "Next": "BakedBefore"}],
            default="NotBakedBefore"),
        "NotBakedBefore": pass_state(
            parameters={"role.$": "$.role", "status": "FAILED", "error": "Kiln.BakeNotSucceeded",
                        "cause.$": "States.Format('the bake {} started by an earlier run of this patch ended {}', $.name, $.before.status)"},
            end=True),
        "BakeFailed": pass_state(
            parameters={"role.$": "$.role", "status": "FAILED", "error.$": "$.error.Error", "cause.$": "$.error.Cause"},
            end=True),
    }),
    result_path="$.baked", next="Follow")


# --- wait for the roles built on them, parent first ------------------------------------------------------
def get_item(*, table, key, result_selector, result_path, next, on_error, in_loop=False):
    """A consistent read; in the follow loop a failed read is a missed ask, counted, not retried."""
    return task(
        resource=integration("dynamodb", "getItem"),
        parameters={"TableName": table, "Key": key, "ConsistentRead": True},
        result_selector=result_selector, result_path=result_path, retry=None if in_loop else [DDB_RETRY],
        catch=[catch_to(on_error, result_path="$.lookError")], next=next)


states["Follow"] = map_state(
    comment="Affected roles built on an affected role: Kiln re-bakes them on their parent's new image (bake-children); wait for that, parent first",
    items_path="$.plan.followers", max_concurrency=1,
    item_selector={"role.$": "$$.Map.Item.Value.role", "parentRole.$": "$$.Map.Item.Value.parentRole",
                   "imageBefore.$": "$$.Map.Item.Value.imageBefore", "parentImageBefore.$": "$$.Map.Item.Value.parentImageBefore",
                   "polls.$": "$.plan.polls", "n": 0},
    processor=inline({
        "FollowParent": get_item(
            table="${BakesTable}", key={"bakeKey": {"S.$": "States.Format('current#{}', $.parentRole)"}},
            result_selector={"imageId.$": "$.Item.imageId.S"}, result_path="$.parent",
            next="ParentPatched", on_error="ParentNotPatched"),
        "ParentPatched": choice(
            comment="The parent's turn is over (bakes first, then followers parent first): it has a new image or never will",
            choices=[{"Not": {"Variable": "$.parent.imageId", "StringEqualsPath": "$.parentImageBefore"}, "Next": "FollowWait"}],
            default="ParentNotPatched"),
        "ParentNotPatched": pass_state(
            parameters={"role.$": "$.role", "status": "FAILED", "error": "Kiln.ParentNotPatched",
                        "cause.$": "States.Format('{} has no new image from this patch, so {} cannot be re-baked on one', $.parentRole, $.role)"},
            end=True),
        "FollowWait": wait(seconds_path="$.polls.seconds", next="FollowChild"),
        "FollowChild": get_item(
            table="${BakesTable}", key={"bakeKey": {"S.$": "States.Format('current#{}', $.role)"}},
            result_selector={"imageId.$": "$.Item.imageId.S"}, result_path="$.child",
            next="FollowChildImage", on_error="FollowCount", in_loop=True),
        "FollowChildImage": get_item(
            table="${ImagesTable}", key={"imageId": {"S.$": "$.child.imageId"}},
            result_selector={"parentImageId.$": "$.Item.parentImageId.S"}, result_path="$.childImage",
            next="FollowedYet", on_error="FollowCount", in_loop=True),
        "FollowedYet": choice(
            comment="Re-baked by bake-children on the parent's new image",
            choices=[{"And": [{"Not": {"Variable": "$.child.imageId", "StringEqualsPath": "$.imageBefore"}},
                              {"Variable": "$.childImage.parentImageId", "StringEqualsPath": "$.parent.imageId"}],
                      "Next": "Followed"}],
            default="FollowCount"),
        "FollowCount": pass_state(
            parameters={"role.$": "$.role", "parentRole.$": "$.parentRole",
                        "imageBefore.$": "$.imageBefore", "parentImageBefore.$": "$.parentImageBefore",
                        "polls.$": "$.polls", "parent.$": "$.parent", "n.$": "States.MathAdd($.n, 1)"},
            next="FollowGiveUp"),
        "FollowGiveUp": choice(
            choices=[{"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.polls.checks", "Next": "FollowTimedOut"}],
            default="FollowWait"),
        "FollowTimedOut": pass_state(parameters={"role.$": "$.role", "status": "TIMED_OUT"}, end=True),
        "Followed": pass_state(parameters={"role.$": "$.role", "status": "SUCCEEDED", "imageId.$": "$.child.imageId"},
                               end=True),
    }),
    result_path="$.followed", next="Report")

# --- report, record, ask for the rotation, tell -----------------------------------------------------------
states["Report"] = lambda_task(
    comment="What was patched, the rotation to ask for, the record and the summary",
    function="${PatchReportFunctionArn}",
    payload={"plan.$": "$.plan", "baked.$": "$.baked", "followed.$": "$.followed", "executionArn.$": "$$.Execution.Id"},
    result_selector={"complete.$": "$.Payload.complete", "hasRotation.$": "$.Payload.hasRotation",
                     "rotation.$": "$.Payload.rotation", "state.$": "$.Payload.state", "details.$": "$.Payload.details",
                     "subject.$": "$.Payload.subject", "message.$": "$.Payload.message"},
    result_path="$.report", retry=[LAMBDA_RETRY], catch=TO_FAILURE, next="Record")
states["Record"] = task(
    comment="Which advisory was closed on which role, and when",
    resource=integration("dynamodb", "putItem"),
    parameters={"TableName": "${LedgerTable}", "Item": {
        "key": {"S.$": "States.Format('patch#{}', $.plan.advisory.id)"}, "state": {"S.$": "$.report.state"},
        "executionArn": {"S.$": "$$.Execution.Id"}, "summary": {"S.$": "$.report.message"}, "roles": {"S.$": "$.report.details"},
        "finishedAt": {"S.$": "$$.State.EnteredTime"}}},
    result_path=None, retry=[DDB_RETRY], next="HasRotation")
states["HasRotation"] = choice(
    choices=[{"Variable": "$.report.hasRotation", "BooleanEquals": True, "Next": "RequestRotation"}], default="Tell")
states["RequestRotation"] = task(
    comment="rotate replaces these roles' fleets now rather than at night",
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.patch", "DetailType": "Rotation Requested",
                             "Detail.$": "$.report.rotation"}]},
    result_path=None, retry=[EVENTS_PUT_RETRY], catch=TO_FAILURE, next="Tell")
states["Tell"] = task(
    resource=integration("sns", "publish"),
    parameters={"TopicArn": "${NotificationTopicArn}", "Subject.$": "$.report.subject", "Message.$": "$.report.message",
                "MessageAttributes": {"workflow": {"DataType": "String", "StringValue": "patch"},
                                      "status": {"DataType": "String", "StringValue.$": "$.report.state"}}},
    result_path=None, retry=[SNS_RETRY], catch=[catch_to("IsComplete", result_path="$.tellError")], next="IsComplete")
states["IsComplete"] = choice(
    choices=[{"Variable": "$.report.complete", "BooleanEquals": True, "Next": "Patched"},
             {"Variable": "$.tellError", "IsPresent": True, "Next": "Incomplete"}],
    default="IncompleteTold")
states["Patched"] = pass_state(parameters={"summary.$": "$.report.subject", "rotation.$": "$.report.rotation"}, end=True)
states["IncompleteTold"] = pass_state(
    comment="The summary told the team already: notify skips Kiln.Reported.* errors, so one failure is one message",
    parameters={"Error": "Kiln.Reported.PatchIncomplete", "Cause.$": "$.report.message"},
    result_path="$.error", next="FailureName")
states["Incomplete"] = pass_state(
    comment="The summary could not be sent: notify tells the team of the failure",
    parameters={"Error": "Kiln.PatchIncomplete", "Cause.$": "$.report.message"},
    result_path="$.error", next="FailureName")
states.update(failure_states())

definition = machine(
    comment="One security advisory: bake the roles whose images carry it, wait for the roles built on them, ask for their rotation, record and tell",
    timeout_seconds=86400, states=states)

if __name__ == "__main__":
    main(__file__, {"patch": lambda: definition})
