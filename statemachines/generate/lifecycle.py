"""Generates statemachines/launch.asl.json and drain.asl.json, whose Run Command steps share one
polling loop (send, wait, check, count, heartbeat, fail or time out) five times over.

Edit this file, not the JSON, then: python3 statemachines/generate/lifecycle.py --write
(python3 lifecycle.py launch|drain prints one; StateMachineDefinitionsTest checks the files match).
"""
from collections import OrderedDict as O

from asl import ASG_RETRY, DDB_RETRY, LAMBDA_RETRY, SSM_MISSED, SSM_RETRY, failure_states, main, missed, sdk

ACTION = O([("AutoScalingGroupName.$", "$.plan.action.AutoScalingGroupName"),
            ("LifecycleHookName.$", "$.plan.action.LifecycleHookName"),
            ("LifecycleActionToken.$", "$.plan.action.LifecycleActionToken"),
            ("InstanceId.$", "$.plan.action.InstanceId")])

def build(workflow):
    launch = workflow == "launch"
    on_failure = "Abandon" if launch else "ContinueAfterFailure"
    to_failure = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": on_failure}]
    # an abandoned launch is counted: a group whose every launch fails is suspended (launch-guard)
    after_failure = "CountFailedLaunch" if launch else "FailureName"
    states = O()

    def task(name, resource, parameters, nxt, selector=None, result_path=None, retry=None, catch=to_failure, comment=None):
        s = O()
        if comment: s["Comment"] = comment
        s["Type"] = "Task"; s["Resource"] = resource; s["Parameters"] = parameters
        if selector is not None: s["ResultSelector"] = selector
        s["ResultPath"] = result_path
        if retry: s["Retry"] = retry
        if catch: s["Catch"] = catch
        s["Next"] = nxt
        states[name] = s

    def start_count(prefix, nxt):
        states[f"{prefix}Start"] = O([("Type", "Pass"), ("Result", {"n": 0, "beat": 0}), ("ResultPath", "$.count"), ("Next", nxt)])

    def count_and_beat(prefix, poll, nxt):
        """Counts an ask; after every heartbeatSeconds of waiting, a heartbeat (a failed one is tried at the next ask)."""
        states[f"{prefix}Count"] = O([("Type", "Pass"),
            ("Parameters", {"n.$": "States.MathAdd($.count.n, 1)",
                            "beat.$": f"States.MathAdd($.count.beat, $.plan.polls.{poll}.seconds)"}),
            ("ResultPath", "$.count"), ("Next", f"{prefix}Beat")])
        states[f"{prefix}Beat"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": "$.count.beat", "NumericGreaterThanEqualsPath": "$.plan.polls.heartbeatSeconds",
                          "Next": f"{prefix}Heartbeat"}]),
            ("Default", nxt)])
        task(f"{prefix}Heartbeat", sdk("autoscaling", "recordLifecycleActionHeartbeat"), ACTION, f"{prefix}BeatReset",
             None, None, None,
             [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.heartbeatError", "Next": nxt}],
             comment="Restarts the hook's timeout while the instance is worked on")
        states[f"{prefix}BeatReset"] = O([("Type", "Pass"), ("Parameters", {"n.$": "$.count.n", "beat": 0}),
                                          ("ResultPath", "$.count"), ("Next", nxt)])

    # --- plan -------------------------------------------------------------------------------------
    states["Plan"] = O([
        ("Comment", "Reads the lifecycle action, claims it once, finds the instance's role and release, renders the commands"),
        ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
        ("Parameters", {"FunctionName": "${LifecyclePlanFunctionArn}",
                        "Payload": {"event.$": "$$.Execution.Input", "workflow": workflow,
                                    "executionArn.$": "$$.Execution.Id", "executionName.$": "$$.Execution.Name"}}),
        ("ResultSelector", {"plan.$": "$.Payload"}), ("ResultPath", "$"),
        ("Retry", [LAMBDA_RETRY]),
        ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "PlanFailed"}]),
        ("Next", "IsDuplicate")])
    states["PlanFailed"] = O([("Comment", "Only the error goes on"), ("Type", "Pass"),
        ("Parameters", {"error.$": "$.error"}), ("Next", "CanCompleteUnplanned")])
    detail = "$$.Execution.Input.detail."
    states["CanCompleteUnplanned"] = O([("Type", "Choice"),
        ("Choices", [{"And": [{"Variable": detail + f, "IsString": True} for f in
                              ("AutoScalingGroupName", "LifecycleHookName", "LifecycleActionToken", "EC2InstanceId")],
                      "Next": "CompleteUnplanned"}]),
        ("Default", "FailureName")])
    task("CompleteUnplanned", sdk("autoscaling", "completeLifecycleAction"), O([
            ("AutoScalingGroupName.$", detail + "AutoScalingGroupName"),
            ("LifecycleHookName.$", detail + "LifecycleHookName"),
            ("LifecycleActionToken.$", detail + "LifecycleActionToken"),
            ("InstanceId.$", detail + "EC2InstanceId"),
            ("LifecycleActionResult", "ABANDON" if launch else "CONTINUE")]),
        after_failure, None, None, [ASG_RETRY],
        [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.completeError", "Next": after_failure}],
        comment=("The plan failed: the instance was not verified, so it never goes in service" if launch
                 else "The plan failed: the instance goes anyway, scale-in is never blocked"))
    states["IsDuplicate"] = O([("Type", "Choice"),
        ("Choices", [{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}]),
        ("Default", "SsmStart" if launch else "HasDrain")])
    states["Duplicate"] = O([("Comment", "Another execution handles this lifecycle action (a repeated event): nothing to do"),
        ("Type", "Pass"), ("Parameters", {"duplicate": True, "instanceId.$": "$.plan.instanceId", "heldBy.$": "$.plan.heldBy"}),
        ("End", True)])
    if not launch:
        states["HasDrain"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": "$.plan.commands.drain", "IsPresent": True, "Next": "SsmStart"}]),
            ("Default", "Continue")])

    # --- Systems Manager ------------------------------------------------------------------------------
    first = "InspectSend" if launch else "DrainSend"
    start_count("Ssm", "SsmCheck")
    task("SsmCheck", sdk("ssm", "describeInstanceInformation"),
         {"Filters": [{"Key": "InstanceIds", "Values.$": "States.Array($.plan.instanceId)"}]},
         "SsmReady", {"instances.$": "$.InstanceInformationList"}, "$.ssm", None,
         [missed(SSM_MISSED, "SsmMissed")] + to_failure)
    ssm_limit = {"Variable": "$.count.n", "NumericGreaterThanEqualsPath": "$.plan.polls.ssm.checks", "Next": "SsmTimedOut"}
    states["SsmReady"] = O([("Type", "Choice"),
        ("Choices", [{"And": [{"Variable": "$.ssm.instances[0].PingStatus", "IsPresent": True},
                              {"Variable": "$.ssm.instances[0].PingStatus", "StringEquals": "Online"}], "Next": first},
                     ssm_limit]),
        ("Default", "SsmWait")])
    states["SsmMissed"] = O([("Type", "Choice"), ("Choices", [ssm_limit]), ("Default", "SsmWait")])
    states["SsmWait"] = O([("Type", "Wait"), ("SecondsPath", "$.plan.polls.ssm.seconds"), ("Next", "SsmCount")])
    count_and_beat("Ssm", "ssm", "SsmCheck")
    states["SsmTimedOut"] = O([("Type", "Pass"),
        ("Parameters", {"Error": "Kiln.SsmTimedOut", "Step": "SsmCheck",
                        "Cause.$": "States.Format('instance {} did not come online in Systems Manager ({} checks, {} s apart)', $.plan.instanceId, $.plan.polls.ssm.checks, $.plan.polls.ssm.seconds)"}),
        ("ResultPath", "$.error"), ("Next", on_failure)])

    # --- commands ---------------------------------------------------------------------------------------
    def command(prefix, key, nxt, label):
        task(f"{prefix}Send", sdk("ssm", "sendCommand"), O([
            ("DocumentName", "AWS-RunShellScript"),
            ("InstanceIds.$", "States.Array($.plan.instanceId)"),
            ("Parameters.$", f"$.plan.commands.{key}.parameters"),
            ("OutputS3BucketName.$", "$.plan.logs.bucket"),
            ("OutputS3KeyPrefix.$", f"$.plan.commands.{key}.outputPrefix"),
            ("Comment.$", "States.Format('kiln %s %s {}', $.plan.instanceId)" % (workflow, key))]),
            f"{prefix}Start", {"commandId.$": "$.Command.CommandId"}, f"$.{key}", [SSM_RETRY], comment=f"Run Command: {label}")
        start_count(prefix, f"{prefix}Wait")
        states[f"{prefix}Wait"] = O([("Type", "Wait"), ("SecondsPath", f"$.plan.polls.{key}.seconds"), ("Next", f"{prefix}Check")])
        task(f"{prefix}Check", sdk("ssm", "getCommandInvocation"),
             {"CommandId.$": f"$.{key}.commandId", "InstanceId.$": "$.plan.instanceId"}, f"{prefix}Ready",
             {"commandId.$": "$.CommandId", "status.$": "$.Status", "responseCode.$": "$.ResponseCode",
              "stdout.$": "$.StandardOutputContent", "stderr.$": "$.StandardErrorContent"}, f"$.{key}", None,
             [missed(["Ssm.InvocationDoesNotExistException", "SSM.InvocationDoesNotExistException"] + SSM_MISSED, f"{prefix}Running")]
             + to_failure)
        states[f"{prefix}Ready"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": f"$.{key}.status", "StringEquals": "Success", "Next": nxt},
                         {"Or": [{"Variable": f"$.{key}.status", "StringEquals": s} for s in ("Pending", "InProgress", "Delayed")],
                          "Next": f"{prefix}Running"}]),
            ("Default", f"{prefix}Failed")])
        states[f"{prefix}Running"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": "$.count.n", "NumericGreaterThanEqualsPath": f"$.plan.polls.{key}.checks", "Next": f"{prefix}TimedOut"}]),
            ("Default", f"{prefix}Count")])
        count_and_beat(prefix, key, f"{prefix}Wait")
        states[f"{prefix}Failed"] = O([("Type", "Pass"),
            ("Parameters", {"Error.$": f"$.plan.commands.{key}.failure", "Step": f"{prefix}Check",
                            "Cause.$": "States.Format('%s ended {} with exit code {} on {} (full output: {}): {} {}', $.%s.status, $.%s.responseCode, $.plan.instanceId, $.plan.logs.uri, $.%s.stderr, $.%s.stdout)" % (label, key, key, key, key)}),
            ("ResultPath", "$.error"), ("Next", on_failure)])
        states[f"{prefix}TimedOut"] = O([("Type", "Pass"),
            ("Parameters", {"Error.$": f"$.plan.commands.{key}.failure", "Step": f"{prefix}Check",
                            "Cause.$": "States.Format('%s did not finish in time on {} (command {}, full output: {})', $.plan.instanceId, $.%s.commandId, $.plan.logs.uri)" % (label, key)}),
            ("ResultPath", "$.error"), ("Next", on_failure)])

    if launch:
        command("Inspect", "inspect", "ReadInstalled", "reading the installed release")
        states["ReadInstalled"] = O([
            ("Comment", "The installed release, as JSON; anything unreadable counts as none"),
            ("Type", "Parallel"),
            ("Branches", [{"StartAt": "ParseInstalled", "States": {"ParseInstalled": {
                "Type": "Pass", "Parameters": {"release.$": "States.StringToJson($.inspect.stdout)"}, "End": True}}}]),
            ("ResultSelector", {"release.$": "$[0].release"}), ("ResultPath", "$.installed"),
            ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.installedError", "Next": "NothingInstalled"}]),
            ("Next", "NeedsInstall")])
        states["NothingInstalled"] = O([("Type", "Pass"), ("Result", {"release": {}}), ("ResultPath", "$.installed"),
                                        ("Next", "NeedsInstall")])
        states["NeedsInstall"] = O([("Type", "Choice"),
            ("Choices", [
                {"Variable": "$.plan.commands.install", "IsPresent": False, "Next": "NothingToInstall"},
                {"And": [{"Variable": "$.installed.release.sha256", "IsPresent": True},
                         {"Variable": "$.installed.release.sha256", "IsString": True},
                         {"Variable": "$.installed.release.sha256", "StringEqualsPath": "$.plan.release.sha256"}],
                 "Next": "AlreadyInstalled"}]),
            ("Default", "InstallSend")])
        states["NothingToInstall"] = O([("Comment", "The role has no release"), ("Type", "Pass"), ("Result", "none"),
                                        ("ResultPath", "$.path"), ("Next", "NeedsStart")])
        states["AlreadyInstalled"] = O([("Comment", "The image (or the warm pool) already has this release: the fast path"),
                                        ("Type", "Pass"), ("Result", "fast"), ("ResultPath", "$.path"), ("Next", "NeedsStart")])
        command("Install", "install", "Installed", "installing the release")
        states["Installed"] = O([("Comment", "Installing also wrote the env file and restarted the service"),
                                 ("Type", "Pass"), ("Result", "deploy"), ("ResultPath", "$.path"), ("Next", "NeedsHealth")])
        states["NeedsStart"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": "$.plan.commands.start", "IsPresent": True, "Next": "StartSend"}]),
            ("Default", "NeedsHealth")])
        command("Start", "start", "NeedsHealth", "writing the env file and restarting")
        states["NeedsHealth"] = O([("Type", "Choice"),
            ("Choices", [{"Variable": "$.plan.commands.health", "IsPresent": True, "Next": "HealthSend"}]),
            ("Default", "Continue")])
        command("Health", "health", "Continue", "the health check")
    else:
        command("Drain", "drain", "Continue", "draining and flushing logs")

    # --- completing the lifecycle action ------------------------------------------------------------------
    task("Continue", sdk("autoscaling", "completeLifecycleAction"),
         O(list(ACTION.items()) + [("LifecycleActionResult", "CONTINUE")]),
         "ForgetFailedLaunches" if launch else "Done", None, None, [ASG_RETRY],
         [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "CompleteFailed"}],
         comment="The instance goes on: into service (or the warm pool)" if launch else "The instance goes on: terminated (or back to the warm pool)")
    output = {"instanceId.$": "$.plan.instanceId", "role.$": "$.plan.role", "phase.$": "$.plan.phase",
              "result": "CONTINUE"}
    if launch:
        output["path.$"] = "$.path"
    if launch:
        task("ForgetFailedLaunches", "arn:aws:states:::dynamodb:deleteItem", O([
                ("TableName", "${FailedLaunchesTable}"),
                ("Key", {"group": {"S.$": "$.plan.action.AutoScalingGroupName"}}),
                ("ConditionExpression", "attribute_not_exists(suspendedAt)")]),
             "Done", None, None, [DDB_RETRY],
             [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.forgetError", "Next": "Done"}],
             comment="A launch went in service: the group's failed launches are no longer in a row (a suspended group's stay, for release to resume)")
    states["Done"] = O([("Type", "Pass"), ("Parameters", output), ("End", True)])
    states["CompleteFailed"] = O([("Comment", "Auto Scaling took no answer (the hook may have timed out already)"),
        ("Type", "Pass"),
        ("Parameters", {"Error": "Kiln.CompleteLifecycleActionFailed",
                        "Cause.$": "States.Format('could not complete the lifecycle action of {}: {}', $.plan.instanceId, $.error.Cause)"}),
        ("ResultPath", "$.error"), ("Next", "FailureName")])
    if launch:
        task("Abandon", sdk("autoscaling", "completeLifecycleAction"),
             O(list(ACTION.items()) + [("LifecycleActionResult", "ABANDON")]),
             "CountFailedLaunch", None, None, [ASG_RETRY],
             [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.abandonError", "Next": "CountFailedLaunch"}],
             comment="Any failure or timeout: the instance was not verified, so Auto Scaling replaces it")
        states["CountFailedLaunch"] = O([
            ("Comment", "Counts the group's failed launches in a row; at the configured limit its Launch process is suspended and the team told once"),
            ("Type", "Task"), ("Resource", "arn:aws:states:::lambda:invoke"),
            ("Parameters", {"FunctionName": "${LaunchGuardFunctionArn}",
                            "Payload": {"event.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id", "state.$": "$"}}),
            ("ResultSelector", {"outcome.$": "$.Payload.outcome", "count.$": "$.Payload.count"}),
            ("ResultPath", "$.failedLaunches"),
            ("Retry", [LAMBDA_RETRY]),
            ("Catch", [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.countError", "Next": "FailureName"}]),
            ("Next", "FailureName")])
    else:
        task("ContinueAfterFailure", sdk("autoscaling", "completeLifecycleAction"),
             O(list(ACTION.items()) + [("LifecycleActionResult", "CONTINUE")]),
             "FailureName", None, None, [ASG_RETRY],
             [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.continueError", "Next": "FailureName"}],
             comment="Draining failed or ran out of time: the instance goes anyway (scale-in is never blocked), and the failure is reported")
    states.update(failure_states())

    comment = ("Deploys the role's release on a launching instance and checks it before it serves: CONTINUE when it is ready,"
               " ABANDON on any failure or timeout" if launch else
               "Drains a terminating instance and flushes its logs within a bound, then always CONTINUEs; failures are reported")
    return O([("Comment", comment), ("StartAt", "Plan"), ("TimeoutSeconds", 7200 if launch else 3600), ("States", states)])

if __name__ == "__main__":
    main(__file__, {"launch": lambda: build("launch"), "drain": lambda: build("drain")})
