"""Generates statemachines/distribute.asl.json: a published image copied to every target region and shared.

Plan (distribute-plan) → each region (its own child execution, at most 5 at once): copy, wait until the copy is available, tag and
share it (distribute-region), then for each target there point its pointer at the copy (the hub's own, a member
account's through its member stack's role) and say so (Image Distributed) → fail, naming every region and target that
failed, if any did; the others are distributed all the same.

A copy EC2 gives up on (failed) is made again, with a new token, up to COPY_ATTEMPTS times; a region whose key or
image is missing fails at once. Every step can be repeated: the same attempt's copy is asked for with the same token.

Edit this file, not the JSON, then: python3 statemachines/generate/distribute.py --write
(python3 distribute.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from asl import (EVENTS_PUT_RETRY, LAMBDA_INVOKE, LAMBDA_RETRY, catch_to, choice, distributed, failure_states, inline, integration,
                 lambda_task, machine, main, map_state, pass_state, states_format, task)
from polling import poll_until

COPY_ATTEMPTS = 3
# a copy across regions takes minutes to an hour or more, by the image's size: looked at every minute for 3 hours
COPY_POLLS = {"seconds": 60, "checks": 180}
COPY_FAILED = "dev.kiln.distributeregion.errors.CopyFailedException"
MEMBER_UNREACHABLE = "dev.kiln.distributeregion.errors.MemberUnreachableException"
# a throttled or briefly failing Lambda invocation is a missed look at the copy, not a failure
LAMBDA_MISSED = LAMBDA_RETRY["ErrorEquals"]
REGION = "${DistributeRegionFunctionArn}"


def region_step(action):
    """distribute-region's payload: every step sends the same fields, the action says which step it is; only point
    is about one target."""
    return {"action": action, "role.$": "$.role", "imageId.$": "$.imageId", "sourceRegion.$": "$.sourceRegion",
            "copy.$": "$.copy", "attempt.$": "$.attempt", "copied.$": "$.copied",
            **({"target.$": "$.target"} if action == "point" else {"target": None})}


TO_REGION_FAILED = [catch_to("RegionFailed")]

states = {}
states["Plan"] = lambda_task(
    comment="The role's targets: a copy per region, its key, whom it is shared with, the hub's pointer there",
    function="${DistributePlanFunctionArn}",
    payload={"input.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id"},
    result_selector={"order.$": "$.Payload"}, result_path="$",
    retry=[LAMBDA_RETRY], catch=[catch_to("FailureName")], next="HasTargets")
states["HasTargets"] = choice(
    choices=[{"Variable": "$.order.skip", "IsString": True, "Next": "NothingToDo"}], default="Regions")
states["NothingToDo"] = pass_state(
    parameters={"role.$": "$.order.role", "imageId.$": "$.order.imageId", "skipped.$": "$.order.skip"}, end=True)

# --- one region: copy, wait, finish, say so ----------------------------------------------------------------
region = {}
region["Polls"] = pass_state(result=COPY_POLLS, result_path="$.polls", next="Copy1")
# each attempt written out (no loop of attempts around the polling loop): the same attempt's copy has the same token
for attempt in range(1, COPY_ATTEMPTS + 1):
    copy, last = f"Copy{attempt}", attempt == COPY_ATTEMPTS
    region[copy] = lambda_task(
        comment="CopyImage in the region, encrypted with its key; the same attempt gets the same copy"
                + ("" if attempt == 1 else "; the failed copy before it is deregistered"),
        function=REGION, payload=region_step("copy"),
        result_selector={"copyImageId.$": "$.Payload.copyImageId", "kmsKeyArn.$": "$.Payload.kmsKeyArn"},
        result_path="$.copied", retry=[LAMBDA_RETRY], catch=TO_REGION_FAILED, next=f"{copy}Start")
    region.update(poll_until(
        copy,
        ask=dict(resource=LAMBDA_INVOKE,
                 parameters={"FunctionName": REGION, "Payload": region_step("check")},
                 result_selector={"state.$": "$.Payload.state"}, result_path="$.checked"),
        done=[{"Variable": "$.checked.state", "StringEquals": "available", "Next": "Finish"}],
        missed_errors=LAMBDA_MISSED, polls="$.polls",
        timed_out={"Error": "Kiln.CopyTimedOut",
                   "Cause.$": states_format("the copy {} in {} was not available after 3 hours", "$.copied.copyImageId",
                                            "$.copy.region")},
        on_failure="RegionFailed" if last else f"{copy}Failed"))
    if not last:
        region[f"{copy}Failed"] = choice(
            comment="EC2 gave up on the copy: make it again, with a new token",
            choices=[{"Variable": "$.error.Error", "StringEquals": COPY_FAILED, "Next": f"Attempt{attempt + 1}"}],
            default="RegionFailed")
        region[f"Attempt{attempt + 1}"] = pass_state(result=attempt + 1, result_path="$.attempt", next=f"Copy{attempt + 1}")
region["Finish"] = lambda_task(
    comment="Tags the copy like its source and shares it (image, snapshots, key) with the region's accounts and units",
    function=REGION, payload=region_step("finish"),
    result_selector={"sharedWith.$": "$.Payload.sharedWith", "grants.$": "$.Payload.grants"},
    result_path="$.finished", retry=[LAMBDA_RETRY], catch=TO_REGION_FAILED, next="Targets")

target = {}
target["Point"] = lambda_task(
    comment="Points the target's pointer at the copy: the hub's own, or a member account's through the role its member"
            " stack made for the hub (an organizational unit has none)",
    function=REGION, payload=region_step("point"),
    result_selector={"target.$": "$.Payload.target", "pointer.$": "$.Payload.pointer",
                     "pointerSkipped.$": "$.Payload.pointerSkipped"},
    result_path="$.pointed",
    # once more: a role just made can take seconds before IAM lets anyone assume it; a member stack that is missing
    # or trusts another hub is a person's to mend, and is reported
    retry=[LAMBDA_RETRY, {"ErrorEquals": [MEMBER_UNREACHABLE], "IntervalSeconds": 20, "MaxAttempts": 1}],
    catch=[catch_to("TargetFailed")], next="AnnounceTarget")
target["AnnounceTarget"] = task(
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{
        "EventBusName": "${EventBusName}", "Source": "kiln.distribute", "DetailType": "Image Distributed",
        "Detail": {"role.$": "$.role", "imageId.$": "$.imageId", "sourceRegion.$": "$.sourceRegion", "region.$": "$.copy.region",
                   "target.$": "$.pointed.target", "copyImageId.$": "$.copied.copyImageId", "pointer.$": "$.pointed.pointer",
                   "pointerSkipped.$": "$.pointed.pointerSkipped", "executionArn.$": "$.executionArn"}}]},
    result_path=None, retry=[EVENTS_PUT_RETRY],
    # the target is distributed even when saying so failed
    catch=[catch_to("Pointed", result_path="$.announceError")], next="Pointed")
target["Pointed"] = pass_state(
    parameters={"target.$": "$.pointed.target", "status": "distributed", "pointer.$": "$.pointed.pointer",
                "pointerSkipped.$": "$.pointed.pointerSkipped"},
    end=True)
target["TargetFailed"] = pass_state(
    parameters={"target.$": "$.target.principal", "status": "failed", "error.$": "$.error.Error", "cause.$": "$.error.Cause"},
    end=True)

region["Targets"] = map_state(
    comment="Each target in the region: its pointer, then one Image Distributed; one target's failure never stops the others",
    items_path="$.copy.targets", max_concurrency=10,
    item_selector={"target.$": "$$.Map.Item.Value", "role.$": "$.role", "imageId.$": "$.imageId",
                   "sourceRegion.$": "$.sourceRegion", "copy.$": "$.copy", "attempt.$": "$.attempt", "copied.$": "$.copied",
                   "executionArn.$": "$.executionArn"},
    processor=inline(target), result_path="$.targets", catch=TO_REGION_FAILED, next="TargetTally")
region["TargetTally"] = pass_state(
    parameters={"anyFailed.$": "States.ArrayContains($.targets[*].status, 'failed')"}, result_path="$.targetTally",
    next="AnyTargetFailed")
region["AnyTargetFailed"] = choice(
    choices=[{"Variable": "$.targetTally.anyFailed", "BooleanEquals": True, "Next": "TargetFailures"}], default="Distributed")
region["TargetFailures"] = pass_state(
    comment="Only when one failed: a filter that matches nothing is no path at all",
    parameters={"failed.$": "$.targets[?(@.status == 'failed')]"}, result_path="$.targetFailures", next="SomeTargetsFailed")
region["SomeTargetsFailed"] = pass_state(
    comment="The copy is made and shared, and the other targets pointed: the region is reported failed for the targets that were not",
    parameters={"region.$": "$.copy.region", "status": "failed", "error": "Kiln.TargetsFailed",
                "cause.$": states_format("{} of {} targets in {} failed: {}", "States.ArrayLength($.targetFailures.failed)",
                                         "States.ArrayLength($.targets)", "$.copy.region",
                                         "States.JsonToString($.targetFailures.failed)"),
                "copyImageId.$": "$.copied.copyImageId", "targets.$": "$.targets"},
    end=True)
region["Distributed"] = pass_state(
    parameters={"region.$": "$.copy.region", "status": "distributed", "copyImageId.$": "$.copied.copyImageId",
                "sharedWith.$": "$.finished.sharedWith", "targets.$": "$.targets"},
    end=True)
region["RegionFailed"] = pass_state(
    parameters={"region.$": "$.copy.region", "status": "failed", "error.$": "$.error.Error", "cause.$": "$.error.Cause"},
    end=True)

states["Regions"] = map_state(
    comment="Each target region in its own child execution (its own history: three copies' polls fit), 5 at once;"
            " one region's failure never stops the others",
    items_path="$.order.copies", max_concurrency=5,
    item_selector={"copy.$": "$$.Map.Item.Value", "role.$": "$.order.role", "imageId.$": "$.order.imageId",
                   "sourceRegion.$": "$.order.sourceRegion", "attempt": 1, "copied": None,
                   "executionArn.$": "$$.Execution.Id"},
    processor=distributed(region), label="Regions", result_path="$.regions", catch=[catch_to("FailureName")], next="Tally")
states["Tally"] = pass_state(
    parameters={"anyFailed.$": "States.ArrayContains($.regions[*].status, 'failed')", "count.$": "States.ArrayLength($.regions)"},
    result_path="$.tally", next="AnyFailed")
states["AnyFailed"] = choice(
    choices=[{"Variable": "$.tally.anyFailed", "BooleanEquals": True, "Next": "Failures"}], default="Done")
states["Done"] = pass_state(
    parameters={"role.$": "$.order.role", "imageId.$": "$.order.imageId", "regions.$": "$.regions"}, end=True)
states["Failures"] = pass_state(
    comment="Only when one failed: a filter that matches nothing is no path at all",
    parameters={"failed.$": "$.regions[?(@.status == 'failed')]"}, result_path="$.failures", next="Incomplete")
states["Incomplete"] = pass_state(
    comment="Every other region is distributed; the execution fails so that the team is told which were not",
    parameters={"Error": "Kiln.DistributionIncomplete",
                "Cause.$": states_format("{} of {} regions failed for {} ({}): {}", "States.ArrayLength($.failures.failed)",
                                         "$.tally.count", "$.order.imageId", "$.order.role", "States.JsonToString($.failures.failed)")},
    result_path="$.error", next="FailureName")
states.update(failure_states())

definition = machine(
    comment="Copies a published image to every target region (encrypted with each region's key), shares it with the "
            "target accounts and points each target's pointer there (a member account's through its member stack); a "
            "failing region or target is retried and reported without holding the others back",
    timeout_seconds=86400, states=states)

if __name__ == "__main__":
    main(__file__, {"distribute": lambda: definition})
