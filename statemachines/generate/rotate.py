"""Generates statemachines/rotate.asl.json: every opted-in group's instances replaced with its role's image.

Discover the opt-in tags → plan the groups → rotate each group (check, pin, refresh, watch, record) → report
and tell.

Sized for thousands of groups: discovery pages go to S3, not into the state; rotate-plan writes the
groups to S3 and a distributed Map reads them from there, each group in its own child execution (its
own history); each group's outcome goes to the Rotations table and the Map keeps only a word per
group; rotate-report reads the outcomes back and sends a bounded summary.

Edit this file, not the JSON, then: python3 statemachines/generate/rotate.py --write
(python3 rotate.py prints it; StateMachineDefinitionsTest checks the file matches).
"""
from asl import (ASG_MISSED, ASG_PATIENT_RETRY, DDB_RETRY, EC2_THROTTLED_RETRY, EVENTS_PUT_RETRY, LAMBDA_RETRY, S3_RETRY,
                 SNS_RETRY, catch_to, choice, distributed, failure_states, integration, lambda_task, machine, main, map_state,
                 missed, pass_state, sdk, task, wait)

TO_FAILURE = [catch_to("FailureName")]
TAG_FILTER = [{"Name": "key", "Values": ["kiln:rotate", "kiln:role", "kiln:freeze"]}]
MAX_TAG_PAGES = 300  # 30,000 tags, some 10,000 groups: the pages' loop stays well inside one history

states = {}

# --- discover: every page of the opt-in tags, stored as it comes -----------------------------------
states["Discover"] = task(
    comment="The tags that opt groups in (kiln:rotate), name their role and freeze them; one page at a time",
    resource=sdk("autoscaling", "describeTags"), parameters={"Filters": TAG_FILTER, "MaxRecords": 100},
    result_selector={"number": 0, "page.$": "$"}, result_path="$.discovery",
    retry=[ASG_PATIENT_RETRY], catch=TO_FAILURE, next="StorePage")
states["StorePage"] = task(
    resource=sdk("s3", "putObject"),
    parameters={"Bucket": "${ArtifactsBucket}",
                "Key.$": "States.Format('rotations/{}/tags/{}.json', $$.Execution.Name, $.discovery.number)",
                "Body.$": "States.JsonToString($.discovery.page.Tags)", "ContentType": "application/json"},
    result_path=None, retry=[S3_RETRY], catch=TO_FAILURE, next="MorePages")
states["MorePages"] = choice(
    choices=[{"And": [{"Variable": "$.discovery.page.NextToken", "IsPresent": True},
                      {"Variable": "$.discovery.number", "NumericGreaterThanEquals": MAX_TAG_PAGES - 1}], "Next": "TooManyTags"},
             {"Variable": "$.discovery.page.NextToken", "IsPresent": True, "Next": "DiscoverMore"}],
    default="Plan")
states["TooManyTags"] = pass_state(
    comment="Nothing was started: the groups' tags outgrow what one rotation reads",
    parameters={"Error": "Kiln.TooManyGroups",
                "Cause": "more than %d pages (%d tags) of the kiln:rotate, kiln:role and kiln:freeze tags: one rotation reads at most that many, some 10,000 groups"
                         % (MAX_TAG_PAGES, MAX_TAG_PAGES * 100)},
    result_path="$.error", next="FailureName")
states["DiscoverMore"] = task(
    resource=sdk("autoscaling", "describeTags"),
    parameters={"Filters": TAG_FILTER, "MaxRecords": 100, "NextToken.$": "$.discovery.page.NextToken"},
    result_selector={"page.$": "$"}, result_path="$.next",
    retry=[ASG_PATIENT_RETRY], catch=TO_FAILURE, next="NextPage")
states["NextPage"] = pass_state(
    parameters={"number.$": "States.MathAdd($.discovery.number, 1)", "page.$": "$.next.page"},
    result_path="$.discovery", next="StorePage")

# --- plan: which groups, which image, which are skipped and why -----------------------------------
states["Plan"] = lambda_task(
    comment="Joins the stored tags into groups, keeps those asked for, skips the frozen and the unknown; writes them to S3",
    function="${RotatePlanFunctionArn}",
    payload={"rotation.$": "$$.Execution.Name", "input.$": "$$.Execution.Input", "startedAt.$": "$$.Execution.StartTime"},
    result_selector={"plan.$": "$.Payload"}, result_path="$",
    retry=[LAMBDA_RETRY], catch=TO_FAILURE, next="Rotate")


# --- one group: check, pin, refresh, watch, record -------------------------------------------------
def outcome(fields):
    """What became of the group, at $.outcome, for Record."""
    return pass_state(parameters={"asg.$": "$.item.asg", "role.$": "$.item.role", "imageId.$": "$.item.imageId", **fields},
                      result_path="$.outcome", next="Record")


PREPARED = {"launchTemplateId.$": "$.prepared.launchTemplateId", "version.$": "$.prepared.version",
            "createdVersion.$": "$.prepared.createdVersion", "instances.$": "$.prepared.instances"}


def refresh_outcome(word, reason):
    return outcome({"outcome": word, "reason": reason, "refreshId.$": "$.started.refreshId", **PREPARED,
                    "request.$": "$.prepared.request", "status.$": "$.polled.refresh.Status", "refresh.$": "$.polled.refresh"})


TO_ERRORED = [catch_to("Errored")]
group = {}
group["Planned"] = choice(choices=[{"Variable": "$.item.skip", "IsString": True, "Next": "SkippedByPlan"}], default="Describe")
group["SkippedByPlan"] = outcome({"outcome": "skipped", "reason.$": "$.item.skip"})
group["Describe"] = task(
    resource=sdk("autoscaling", "describeAutoScalingGroups"), parameters={"AutoScalingGroupNames.$": "States.Array($.item.asg)"},
    result_selector={"groups.$": "$.AutoScalingGroups"}, result_path="$.described",
    retry=[ASG_PATIENT_RETRY], catch=TO_ERRORED, next="Refreshes")
group["Refreshes"] = task(
    resource=sdk("autoscaling", "describeInstanceRefreshes"), parameters={"AutoScalingGroupName.$": "$.item.asg", "MaxRecords": 1},
    result_selector={"refreshes.$": "$.InstanceRefreshes"}, result_path="$.refreshes",
    retry=[ASG_PATIENT_RETRY], catch=TO_ERRORED, next="Prepare")
group["Prepare"] = lambda_task(
    comment="Skip a group that is refreshing or already current; else pin the role's image in a numbered template version and build the request",
    function="${RotateGroupFunctionArn}",
    payload={"item.$": "$.item", "groups.$": "$.described.groups", "refreshes.$": "$.refreshes.refreshes"},
    result_selector={"action.$": "$.Payload.action", "reason.$": "$.Payload.reason",
                     "launchTemplateId.$": "$.Payload.launchTemplateId", "version.$": "$.Payload.version",
                     "createdVersion.$": "$.Payload.createdVersion", "instances.$": "$.Payload.instances",
                     "request.$": "$.Payload.request"},
    result_path="$.prepared", retry=[LAMBDA_RETRY, EC2_THROTTLED_RETRY], catch=TO_ERRORED, next="NeedsRefresh")
group["NeedsRefresh"] = choice(
    choices=[{"Variable": "$.prepared.action", "StringEquals": "refresh", "Next": "Start"}], default="SkippedByCheck")
group["SkippedByCheck"] = outcome({"outcome": "skipped", "reason.$": "$.prepared.reason", **PREPARED})
group["Start"] = task(
    comment="Rolling, to the pinned version as DesiredConfiguration, so a failed refresh can roll back",
    resource=sdk("autoscaling", "startInstanceRefresh"),
    parameters={"AutoScalingGroupName.$": "$.prepared.request.AutoScalingGroupName",
                "Strategy.$": "$.prepared.request.Strategy",
                "DesiredConfiguration.$": "$.prepared.request.DesiredConfiguration",
                "Preferences.$": "$.prepared.request.Preferences"},
    result_selector={"refreshId.$": "$.InstanceRefreshId"}, result_path="$.started",
    retry=[ASG_PATIENT_RETRY],
    catch=[catch_to("RefreshingMeanwhile", errors=["AutoScaling.InstanceRefreshInProgressException"])] + TO_ERRORED,
    next="Watch")
group["RefreshingMeanwhile"] = outcome({
    "outcome": "skipped", "reason": "another instance refresh started meanwhile (Auto Scaling refused a second one)", **PREPARED})
group["Watch"] = pass_state(result={"polls": 0}, result_path="$.watch", next="Pause")
group["Pause"] = wait(seconds_path="$.settings.poll.seconds", next="Poll")
group["Poll"] = task(
    resource=sdk("autoscaling", "describeInstanceRefreshes"),
    parameters={"AutoScalingGroupName.$": "$.item.asg", "InstanceRefreshIds.$": "States.Array($.started.refreshId)"},
    result_selector={"refresh.$": "$.InstanceRefreshes[0]"}, result_path="$.polled",
    catch=[missed(ASG_MISSED, "Count"), catch_to("LostSight")], next="Ended")
group["Ended"] = choice(
    choices=[{"Variable": "$.polled.refresh.Status", "StringEquals": "Successful", "Next": "Succeeded"},
             {"Variable": "$.polled.refresh.Status", "StringEquals": "RollbackSuccessful", "Next": "RolledBack"},
             {"Or": [{"Variable": "$.polled.refresh.Status", "StringEquals": status} for status in ("Failed", "Cancelled", "RollbackFailed")],
              "Next": "RefreshFailed"}],
    default="Count")
group["Count"] = pass_state(parameters={"polls.$": "States.MathAdd($.watch.polls, 1)"}, result_path="$.watch", next="Deadline")
group["Deadline"] = choice(
    choices=[{"Variable": "$.watch.polls", "NumericGreaterThanEqualsPath": "$.settings.poll.checks", "Next": "TimedOut"}],
    default="Pause")
group["Succeeded"] = refresh_outcome("succeeded", "every instance replaced")
group["RolledBack"] = refresh_outcome("rolledBack", "the refresh failed and Auto Scaling rolled the group back to its previous template version")
group["RefreshFailed"] = refresh_outcome("failed", "the refresh ended without replacing the group")
group["TimedOut"] = refresh_outcome("timedOut", "still refreshing at the deadline; the refresh was left running")
group["LostSight"] = outcome({
    "outcome": "failed", "refreshId.$": "$.started.refreshId", "request.$": "$.prepared.request",
    "reason.$": "States.Format('refresh started, then could not be watched: {}: {}', $.error.Error, $.error.Cause)", **PREPARED})
group["Errored"] = outcome({"outcome": "failed", "reason.$": "States.Format('{}: {}', $.error.Error, $.error.Cause)"})
group["Record"] = task(
    comment="One item per group; rotate-report reads them back (and a person can watch them arrive)",
    resource=integration("dynamodb", "putItem"),
    parameters={"TableName": "${RotationsTable}", "Item": {
        "rotation": {"S.$": "$.rotation"}, "asg": {"S.$": "$.item.asg"},
        "outcome": {"S.$": "States.JsonToString($.outcome)"}, "recordedAt": {"S.$": "$$.State.EnteredTime"}}},
    result_path=None, retry=[DDB_RETRY], output_path="$.outcome.outcome", end=True)

# --- rotate: every group, each in its own child execution -----------------------------------------------
states["Rotate"] = map_state(
    comment="Each group in its own child execution, a bounded number at once; one group's failure never stops the others",
    item_reader={"Resource": integration("s3", "getObject"), "ReaderConfig": {"InputType": "JSON"},
                 "Parameters": {"Bucket.$": "$.plan.bucket", "Key.$": "$.plan.key"}},
    max_concurrency_path="$.plan.settings.maxConcurrency",
    # a float: LocalStack's ASL grammar reads this field as a NUMBER, which an integer literal is not
    tolerated_failure_percentage=100.0,
    item_selector={"item.$": "$$.Map.Item.Value", "rotation.$": "$$.Execution.Name", "settings.$": "$.plan.settings"},
    processor=distributed(group), label="Rotate", result_path=None, catch=TO_FAILURE, next="Report")

# --- report: one event, one screen ----------------------------------------------------------------
states["Report"] = lambda_task(
    comment="Reads every group's outcome, writes the full report to S3, and sums it up",
    function="${RotateReportFunctionArn}",
    payload={"rotation.$": "$$.Execution.Name", "executionArn.$": "$$.Execution.Id", "input.$": "$$.Execution.Input",
             "plan.$": "$.plan", "startedAt.$": "$$.Execution.StartTime"},
    result_selector={"detail.$": "$.Payload.detail", "subject.$": "$.Payload.subject", "message.$": "$.Payload.message",
                     "status.$": "$.Payload.status"},
    result_path="$.report", retry=[LAMBDA_RETRY], catch=TO_FAILURE, next="Finished")
states["Finished"] = task(
    resource=integration("events", "putEvents"),
    parameters={"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.rotation", "DetailType": "Rotation Finished",
                             "Detail.$": "$.report.detail"}]},
    result_path=None, retry=[EVENTS_PUT_RETRY], catch=TO_FAILURE, next="Tell")
states["Tell"] = task(
    resource=integration("sns", "publish"),
    parameters={"TopicArn": "${NotificationTopicArn}", "Subject.$": "$.report.subject", "Message.$": "$.report.message",
                "MessageAttributes": {"workflow": {"DataType": "String", "StringValue": "rotate"},
                                      "status": {"DataType": "String", "StringValue.$": "$.report.status"}}},
    result_path=None, retry=[SNS_RETRY], catch=[catch_to("Done", result_path="$.tellError")], next="Done")
states["Done"] = pass_state(
    parameters={"summary.$": "$.report.subject", "status.$": "$.report.status", "counts.$": "$.report.detail.counts"},
    end=True)
states.update(failure_states())

definition = machine(
    comment="Replace the instances of every opted-in group (or those asked for) with its role's current image, safely",
    timeout_seconds=172800, states=states)

if __name__ == "__main__":
    main(__file__, {"rotate": lambda: definition})
