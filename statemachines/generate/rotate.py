"""Generates statemachines/rotate.asl.json.

Edit this file, not the JSON, then: python3 statemachines/generate/rotate.py --write
(python3 rotate.py prints it; StateMachineDefinitionsTest checks the file matches).

Sized for thousands of groups: discovery pages go to S3, not into the state; rotate-plan writes the
groups to S3 and a distributed Map reads them from there, each group in its own child execution (its
own history); each group's outcome goes to the Rotations table and the Map keeps only a word per
group; rotate-report reads the outcomes back and sends a bounded summary.
"""
from collections import OrderedDict as O

from asl import ASG_MISSED, ASG_PATIENT_RETRY, DDB_RETRY, EVENTS_PUT_RETRY, LAMBDA_RETRY, SNS_RETRY, failure_states, main, missed, sdk

S = O()
def failure_to(name): return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": name}]
TAG_FILTER = [{"Name": "key", "Values": ["kiln:rotate", "kiln:role", "kiln:freeze"]}]

# --- discover: every page of the opt-in tags, stored as it comes -----------------------------------
S["Discover"] = O([("Comment", "The tags that opt groups in (kiln:rotate), name their role and freeze them; one page at a time"),
    ("Type", "Task"), ("Resource", sdk("autoscaling", "describeTags")),
    ("Parameters", {"Filters": TAG_FILTER, "MaxRecords": 100}),
    ("ResultSelector", {"number": 0, "page.$": "$"}), ("ResultPath", "$.discovery"),
    ("Retry", [ASG_PATIENT_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "StorePage")])
S["StorePage"] = O([("Type", "Task"), ("Resource", sdk("s3", "putObject")),
    ("Parameters", {"Bucket": "${ArtifactsBucket}",
                    "Key.$": "States.Format('rotations/{}/tags/{}.json', $$.Execution.Name, $.discovery.number)",
                    "Body.$": "States.JsonToString($.discovery.page.Tags)", "ContentType": "application/json"}),
    ("ResultPath", None), ("Retry", [{"ErrorEquals": ["S3.S3Exception", "S3.SdkClientException"], "IntervalSeconds": 2,
                                       "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}]),
    ("Catch", failure_to("FailureName")), ("Next", "MorePages")])
MAX_TAG_PAGES = 300  # 30,000 tags, some 10,000 groups: the pages' loop stays well inside one history
S["MorePages"] = O([("Type", "Choice"),
    ("Choices", [{"And": [{"Variable": "$.discovery.page.NextToken", "IsPresent": True},
                          {"Variable": "$.discovery.number", "NumericGreaterThanEquals": MAX_TAG_PAGES - 1}], "Next": "TooManyTags"},
                 {"Variable": "$.discovery.page.NextToken", "IsPresent": True, "Next": "DiscoverMore"}]), ("Default", "Plan")])
S["TooManyTags"] = O([("Comment", "Nothing was started: the groups' tags outgrow what one rotation reads"),
    ("Type", "Pass"), ("Parameters", {"Error": "Kiln.TooManyGroups",
        "Cause": "more than %d pages (%d tags) of the kiln:rotate, kiln:role and kiln:freeze tags: one rotation reads at most that many, some 10,000 groups"
                 % (MAX_TAG_PAGES, MAX_TAG_PAGES * 100)}),
    ("ResultPath", "$.error"), ("Next", "FailureName")])
S["DiscoverMore"] = O([("Type", "Task"), ("Resource", sdk("autoscaling", "describeTags")),
    ("Parameters", {"Filters": TAG_FILTER, "MaxRecords": 100, "NextToken.$": "$.discovery.page.NextToken"}),
    ("ResultSelector", {"page.$": "$"}), ("ResultPath", "$.next"),
    ("Retry", [ASG_PATIENT_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "NextPage")])
S["NextPage"] = O([("Type", "Pass"),
    ("Parameters", {"number.$": "States.MathAdd($.discovery.number, 1)", "page.$": "$.next.page"}),
    ("ResultPath", "$.discovery"), ("Next", "StorePage")])

# --- plan: which groups, which image, which are skipped and why -----------------------------------
S["Plan"] = O([("Comment", "Joins the stored tags into groups, keeps those asked for, skips the frozen and the unknown; writes them to S3"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${RotatePlanFunctionArn}", "Payload": {
        "rotation.$": "$$.Execution.Name", "input.$": "$$.Execution.Input", "startedAt.$": "$$.Execution.StartTime"}}),
    ("ResultSelector", {"plan.$": "$.Payload"}), ("ResultPath", "$"),
    ("Retry", [LAMBDA_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "Rotate")])

# --- one group: check, pin, refresh, watch, record -------------------------------------------------
G = O()
def outcome(name, fields, comment=None):
    state = O()
    if comment: state["Comment"] = comment
    state.update([("Type", "Pass"), ("Parameters", O([("asg.$", "$.item.asg"), ("role.$", "$.item.role"),
                                                       ("imageId.$", "$.item.imageId")] + list(fields.items()))),
                  ("ResultPath", "$.outcome"), ("Next", "Record")])
    G[name] = state
PREPARED = O([("launchTemplateId.$", "$.prepared.launchTemplateId"), ("version.$", "$.prepared.version"),
              ("createdVersion.$", "$.prepared.createdVersion"), ("instances.$", "$.prepared.instances")])
def refresh_outcome(name, word, reason):
    outcome(name, O([("outcome", word), ("reason", reason), ("refreshId.$", "$.started.refreshId")] + list(PREPARED.items())
                    + [("request.$", "$.prepared.request"), ("status.$", "$.polled.refresh.Status"), ("refresh.$", "$.polled.refresh")]))

G["Planned"] = O([("Type", "Choice"), ("Choices", [{"Variable": "$.item.skip", "IsString": True, "Next": "SkippedByPlan"}]),
    ("Default", "Describe")])
outcome("SkippedByPlan", O([("outcome", "skipped"), ("reason.$", "$.item.skip")]))
G["Describe"] = O([("Type", "Task"), ("Resource", sdk("autoscaling", "describeAutoScalingGroups")),
    ("Parameters", {"AutoScalingGroupNames.$": "States.Array($.item.asg)"}),
    ("ResultSelector", {"groups.$": "$.AutoScalingGroups"}), ("ResultPath", "$.described"),
    ("Retry", [ASG_PATIENT_RETRY]), ("Catch", failure_to("Errored")), ("Next", "Refreshes")])
G["Refreshes"] = O([("Type", "Task"), ("Resource", sdk("autoscaling", "describeInstanceRefreshes")),
    ("Parameters", {"AutoScalingGroupName.$": "$.item.asg", "MaxRecords": 1}),
    ("ResultSelector", {"refreshes.$": "$.InstanceRefreshes"}), ("ResultPath", "$.refreshes"),
    ("Retry", [ASG_PATIENT_RETRY]), ("Catch", failure_to("Errored")), ("Next", "Prepare")])
G["Prepare"] = O([("Comment", "Skip a group that is refreshing or already current; else pin the role's image in a numbered template version and build the request"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${RotateGroupFunctionArn}", "Payload": {
        "item.$": "$.item", "groups.$": "$.described.groups", "refreshes.$": "$.refreshes.refreshes"}}),
    ("ResultSelector", O([("action.$", "$.Payload.action"), ("reason.$", "$.Payload.reason"),
                          ("launchTemplateId.$", "$.Payload.launchTemplateId"), ("version.$", "$.Payload.version"),
                          ("createdVersion.$", "$.Payload.createdVersion"), ("instances.$", "$.Payload.instances"),
                          ("request.$", "$.Payload.request")])),
    ("ResultPath", "$.prepared"),
    ("Retry", [LAMBDA_RETRY, {"ErrorEquals": ["dev.kiln.rotategroup.errors.Ec2ThrottledException"], "IntervalSeconds": 5,
                              "MaxAttempts": 8, "BackoffRate": 2, "MaxDelaySeconds": 120, "JitterStrategy": "FULL"}]),
    ("Catch", failure_to("Errored")), ("Next", "NeedsRefresh")])
G["NeedsRefresh"] = O([("Type", "Choice"),
    ("Choices", [{"Variable": "$.prepared.action", "StringEquals": "refresh", "Next": "Start"}]), ("Default", "SkippedByCheck")])
outcome("SkippedByCheck", O([("outcome", "skipped"), ("reason.$", "$.prepared.reason")] + list(PREPARED.items())))
G["Start"] = O([("Comment", "Rolling, to the pinned version as DesiredConfiguration, so a failed refresh can roll back"),
    ("Type", "Task"), ("Resource", sdk("autoscaling", "startInstanceRefresh")),
    ("Parameters", O([("AutoScalingGroupName.$", "$.prepared.request.AutoScalingGroupName"),
                      ("Strategy.$", "$.prepared.request.Strategy"),
                      ("DesiredConfiguration.$", "$.prepared.request.DesiredConfiguration"),
                      ("Preferences.$", "$.prepared.request.Preferences")])),
    ("ResultSelector", {"refreshId.$": "$.InstanceRefreshId"}), ("ResultPath", "$.started"),
    ("Retry", [ASG_PATIENT_RETRY]),
    ("Catch", [{"ErrorEquals": ["AutoScaling.InstanceRefreshInProgressException"], "ResultPath": "$.error", "Next": "RefreshingMeanwhile"},
               {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Errored"}]),
    ("Next", "Watch")])
outcome("RefreshingMeanwhile", O([("outcome", "skipped"),
    ("reason", "another instance refresh started meanwhile (Auto Scaling refused a second one)")] + list(PREPARED.items())))
G["Watch"] = O([("Type", "Pass"), ("Result", {"polls": 0}), ("ResultPath", "$.watch"), ("Next", "Pause")])
G["Pause"] = O([("Type", "Wait"), ("SecondsPath", "$.settings.poll.seconds"), ("Next", "Poll")])
G["Poll"] = O([("Type", "Task"), ("Resource", sdk("autoscaling", "describeInstanceRefreshes")),
    ("Parameters", {"AutoScalingGroupName.$": "$.item.asg", "InstanceRefreshIds.$": "States.Array($.started.refreshId)"}),
    ("ResultSelector", {"refresh.$": "$.InstanceRefreshes[0]"}), ("ResultPath", "$.polled"),
    ("Catch", [missed(ASG_MISSED, "Count")] + failure_to("LostSight")), ("Next", "Ended")])
G["Ended"] = O([("Type", "Choice"), ("Choices", [
        {"Variable": "$.polled.refresh.Status", "StringEquals": "Successful", "Next": "Succeeded"},
        {"Variable": "$.polled.refresh.Status", "StringEquals": "RollbackSuccessful", "Next": "RolledBack"},
        {"Or": [{"Variable": "$.polled.refresh.Status", "StringEquals": s} for s in ("Failed", "Cancelled", "RollbackFailed")],
         "Next": "RefreshFailed"}]),
    ("Default", "Count")])
G["Count"] = O([("Type", "Pass"), ("Parameters", {"polls.$": "States.MathAdd($.watch.polls, 1)"}), ("ResultPath", "$.watch"),
    ("Next", "Deadline")])
G["Deadline"] = O([("Type", "Choice"),
    ("Choices", [{"Variable": "$.watch.polls", "NumericGreaterThanEqualsPath": "$.settings.poll.checks", "Next": "TimedOut"}]),
    ("Default", "Pause")])
refresh_outcome("Succeeded", "succeeded", "every instance replaced")
refresh_outcome("RolledBack", "rolledBack", "the refresh failed and Auto Scaling rolled the group back to its previous template version")
refresh_outcome("RefreshFailed", "failed", "the refresh ended without replacing the group")
refresh_outcome("TimedOut", "timedOut", "still refreshing at the deadline; the refresh was left running")
outcome("LostSight", O([("outcome", "failed"), ("refreshId.$", "$.started.refreshId"), ("request.$", "$.prepared.request"),
    ("reason.$", "States.Format('refresh started, then could not be watched: {}: {}', $.error.Error, $.error.Cause)")]
    + list(PREPARED.items())))
outcome("Errored", O([("outcome", "failed"), ("reason.$", "States.Format('{}: {}', $.error.Error, $.error.Cause)")]))
G["Record"] = O([("Comment", "One item per group; rotate-report reads them back (and a person can watch them arrive)"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::dynamodb:putItem"),
    ("Parameters", {"TableName": "${RotationsTable}", "Item": {
        "rotation": {"S.$": "$.rotation"}, "asg": {"S.$": "$.item.asg"},
        "outcome": {"S.$": "States.JsonToString($.outcome)"}, "recordedAt": {"S.$": "$$.State.EnteredTime"}}}),
    ("ResultPath", None), ("Retry", [DDB_RETRY]), ("OutputPath", "$.outcome.outcome"), ("End", True)])

S["Rotate"] = O([("Comment", "Each group in its own child execution, a bounded number at once; one group's failure never stops the others"),
    ("Type", "Map"),
    ("ItemReader", {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket.$": "$.plan.bucket", "Key.$": "$.plan.key"}}),
    ("MaxConcurrencyPath", "$.plan.settings.maxConcurrency"),
    # a float: LocalStack's ASL grammar reads this field as a NUMBER, which an integer literal is not
    ("ToleratedFailurePercentage", 100.0),
    ("ItemSelector", {"item.$": "$$.Map.Item.Value", "rotation.$": "$$.Execution.Name", "settings.$": "$.plan.settings"}),
    ("ItemProcessor", {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Planned", "States": G}),
    ("Label", "Rotate"), ("ResultPath", None), ("Catch", failure_to("FailureName")), ("Next", "Report")])

# --- report: one event, one screen ----------------------------------------------------------------
S["Report"] = O([("Comment", "Reads every group's outcome, writes the full report to S3, and sums it up"),
    ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
    ("Parameters", {"FunctionName": "${RotateReportFunctionArn}", "Payload": {
        "rotation.$": "$$.Execution.Name", "executionArn.$": "$$.Execution.Id", "input.$": "$$.Execution.Input",
        "plan.$": "$.plan", "startedAt.$": "$$.Execution.StartTime"}}),
    ("ResultSelector", {"detail.$": "$.Payload.detail", "subject.$": "$.Payload.subject", "message.$": "$.Payload.message",
                        "status.$": "$.Payload.status"}),
    ("ResultPath", "$.report"), ("Retry", [LAMBDA_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "Finished")])
S["Finished"] = O([("Type", "Task"), ("Resource", "arn:aws:states:::events:putEvents"),
    ("Parameters", {"Entries": [{"EventBusName": "${EventBusName}", "Source": "kiln.rotation", "DetailType": "Rotation Finished",
                                 "Detail.$": "$.report.detail"}]}),
    ("ResultPath", None), ("Retry", [EVENTS_PUT_RETRY]), ("Catch", failure_to("FailureName")), ("Next", "Tell")])
S["Tell"] = O([("Type", "Task"), ("Resource", "arn:aws:states:::sns:publish"),
    ("Parameters", {"TopicArn": "${NotificationTopicArn}", "Subject.$": "$.report.subject", "Message.$": "$.report.message",
        "MessageAttributes": {"workflow": {"DataType": "String", "StringValue": "rotate"},
                              "status": {"DataType": "String", "StringValue.$": "$.report.status"}}}),
    ("ResultPath", None), ("Retry", [SNS_RETRY]),
    ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.tellError", "Next": "Done"}]), ("Next", "Done")])
S["Done"] = O([("Type", "Pass"), ("Parameters", {"summary.$": "$.report.subject", "status.$": "$.report.status",
                                                 "counts.$": "$.report.detail.counts"}), ("End", True)])
S.update(failure_states())
doc = O([("Comment", "Replace the instances of every opted-in group (or those asked for) with its role's current image, safely"),
    ("StartAt", "Discover"), ("TimeoutSeconds", 172800), ("States", S)])
if __name__ == "__main__":
    main(__file__, {"rotate": lambda: doc})
