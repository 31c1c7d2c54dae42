"""Generates statemachines/launch.asl.json and drain.asl.json: an Auto Scaling lifecycle action, answered.

launch: plan → online in Systems Manager → Run Command: read the installed release, install the role's
release unless the image has it, start, check health → CONTINUE (into service); any failure or timeout
ABANDONs the instance and counts the group's failed launches (launch-guard).
drain: plan → online in Systems Manager → Run Command: drain and flush logs → CONTINUE; a failure is
reported, and the instance goes anyway (scale-in is never blocked).
Every wait also sends the hook a heartbeat (polling.Heartbeat).

Edit this file, not the JSON, then: python3 statemachines/generate/lifecycle.py --write
(python3 lifecycle.py launch|drain prints one; StateMachineDefinitionsTest checks the files match).
"""
from asl import (ASG_RETRY, DDB_RETRY, LAMBDA_RETRY, catch_to, choice, failure_states, integration, lambda_task, machine,
                 main, parallel, pass_state, sdk, states_format, task)
from polling import Heartbeat, run_command, until_online

# the lifecycle action the plan read: what a heartbeat and the answer name
ACTION = {"AutoScalingGroupName.$": "$.plan.action.AutoScalingGroupName",
          "LifecycleHookName.$": "$.plan.action.LifecycleHookName",
          "LifecycleActionToken.$": "$.plan.action.LifecycleActionToken",
          "InstanceId.$": "$.plan.action.InstanceId"}
HEARTBEAT = Heartbeat(action=ACTION, every="$.plan.polls.heartbeatSeconds")


def build(workflow):
    launch = workflow == "launch"
    on_failure = "Abandon" if launch else "ContinueAfterFailure"
    # an abandoned launch is counted: a group whose every launch fails is suspended (launch-guard)
    after_failure = "CountFailedLaunch" if launch else "FailureName"

    def command(prefix, *, key, label, next):
        return run_command(prefix, key=key, label=label, instance_id="$.plan.instanceId",
                           command_comment=states_format(f"kiln {workflow} {key} {{}}", "$.plan.instanceId"),
                           polls=f"$.plan.polls.{key}", next=next, on_failure=on_failure, heartbeat=HEARTBEAT,
                           cause_names_instance=True, error_names_step=True)

    states = {}

    # --- plan -------------------------------------------------------------------------------------
    states["Plan"] = lambda_task(
        comment="Reads the lifecycle action, claims it once, finds the instance's role and release, renders the commands",
        function="${LifecyclePlanFunctionArn}",
        payload={"event.$": "$$.Execution.Input", "workflow": workflow,
                 "executionArn.$": "$$.Execution.Id", "executionName.$": "$$.Execution.Name"},
        result_selector={"plan.$": "$.Payload"}, result_path="$",
        retry=[LAMBDA_RETRY], catch=[catch_to("PlanFailed")], next="IsDuplicate")
    states["PlanFailed"] = pass_state(comment="Only the error goes on", parameters={"error.$": "$.error"},
                                      next="CanCompleteUnplanned")
    detail = "$$.Execution.Input.detail."
    states["CanCompleteUnplanned"] = choice(
        choices=[{"And": [{"Variable": detail + field, "IsString": True} for field in
                          ("AutoScalingGroupName", "LifecycleHookName", "LifecycleActionToken", "EC2InstanceId")],
                  "Next": "CompleteUnplanned"}],
        default="FailureName")
    states["CompleteUnplanned"] = task(
        comment=("The plan failed: the instance was not verified, so it never goes in service" if launch
                 else "The plan failed: the instance goes anyway, scale-in is never blocked"),
        resource=sdk("autoscaling", "completeLifecycleAction"),
        parameters={"AutoScalingGroupName.$": detail + "AutoScalingGroupName",
                    "LifecycleHookName.$": detail + "LifecycleHookName",
                    "LifecycleActionToken.$": detail + "LifecycleActionToken",
                    "InstanceId.$": detail + "EC2InstanceId",
                    "LifecycleActionResult": "ABANDON" if launch else "CONTINUE"},
        result_path=None, retry=[ASG_RETRY], catch=[catch_to(after_failure, result_path="$.completeError")],
        next=after_failure)
    states["IsDuplicate"] = choice(
        choices=[{"Variable": "$.plan.duplicate", "BooleanEquals": True, "Next": "Duplicate"}],
        default="SsmStart" if launch else "HasDrain")
    states["Duplicate"] = pass_state(
        comment="Another execution handles this lifecycle action (a repeated event): nothing to do",
        parameters={"duplicate": True, "instanceId.$": "$.plan.instanceId", "heldBy.$": "$.plan.heldBy"}, end=True)
    if not launch:
        states["HasDrain"] = choice(
            choices=[{"Variable": "$.plan.commands.drain", "IsPresent": True, "Next": "SsmStart"}], default="Continue")

    # --- Systems Manager ------------------------------------------------------------------------------
    states.update(until_online(
        "Ssm", instance_id="$.plan.instanceId", next="InspectSend" if launch else "DrainSend",
        on_failure=on_failure, heartbeat=HEARTBEAT,
        timed_out={"Error": "Kiln.SsmTimedOut", "Step": "SsmCheck",
                   "Cause.$": "States.Format('instance {} did not come online in Systems Manager ({} checks, {} s apart)', $.plan.instanceId, $.plan.polls.ssm.checks, $.plan.polls.ssm.seconds)"}))

    # --- commands ---------------------------------------------------------------------------------------
    if launch:
        states.update(command("Inspect", key="inspect", label="reading the installed release", next="ReadInstalled"))
        states["ReadInstalled"] = parallel(
            comment="The installed release, as JSON; anything unreadable counts as none",
            branches=[{"ParseInstalled": pass_state(parameters={"release.$": "States.StringToJson($.inspect.stdout)"},
                                                    end=True)}],
            result_selector={"release.$": "$[0].release"}, result_path="$.installed",
            catch=[catch_to("NothingInstalled", result_path="$.installedError")], next="NeedsInstall")
        states["NothingInstalled"] = pass_state(result={"release": {}}, result_path="$.installed", next="NeedsInstall")
        states["NeedsInstall"] = choice(
            choices=[{"Variable": "$.plan.commands.install", "IsPresent": False, "Next": "NothingToInstall"},
                     {"And": [{"Variable": "$.installed.release.sha256", "IsPresent": True},
                              {"Variable": "$.installed.release.sha256", "IsString": True},
                              {"Variable": "$.installed.release.sha256", "StringEqualsPath": "$.plan.release.sha256"}],
                      "Next": "AlreadyInstalled"}],
            default="InstallSend")
        states["NothingToInstall"] = pass_state(comment="The role has no release",
                                                result="none", result_path="$.path", next="NeedsStart")
        states["AlreadyInstalled"] = pass_state(comment="The image (or the warm pool) already has this release: the fast path",
                                                result="fast", result_path="$.path", next="NeedsStart")
        states.update(command("Install", key="install", label="installing the release", next="Installed"))
        states["Installed"] = pass_state(comment="Installing also wrote the env file and restarted the service",
                                         result="deploy", result_path="$.path", next="NeedsHealth")
        states["NeedsStart"] = choice(
            choices=[{"Variable": "$.plan.commands.start", "IsPresent": True, "Next": "StartSend"}], default="NeedsHealth")
        states.update(command("Start", key="start", label="writing the env file and restarting", next="NeedsHealth"))
        states["NeedsHealth"] = choice(
            choices=[{"Variable": "$.plan.commands.health", "IsPresent": True, "Next": "HealthSend"}], default="Continue")
        states.update(command("Health", key="health", label="the health check", next="Continue"))
    else:
        states.update(command("Drain", key="drain", label="draining and flushing logs", next="Continue"))

    # --- completing the lifecycle action ------------------------------------------------------------------
    states["Continue"] = task(
        comment=("The instance goes on: into service (or the warm pool)" if launch
                 else "The instance goes on: terminated (or back to the warm pool)"),
        resource=sdk("autoscaling", "completeLifecycleAction"), parameters={**ACTION, "LifecycleActionResult": "CONTINUE"},
        result_path=None, retry=[ASG_RETRY], catch=[catch_to("CompleteFailed")],
        next="ForgetFailedLaunches" if launch else "Done")
    if launch:
        states["ForgetFailedLaunches"] = task(
            comment="A launch went in service: the group's failed launches are no longer in a row (a suspended group's stay, for release to resume)",
            resource=integration("dynamodb", "deleteItem"),
            parameters={"TableName": "${FailedLaunchesTable}",
                        "Key": {"group": {"S.$": "$.plan.action.AutoScalingGroupName"}},
                        "ConditionExpression": "attribute_not_exists(suspendedAt)"},
            result_path=None, retry=[DDB_RETRY], catch=[catch_to("Done", result_path="$.forgetError")], next="Done")
    states["Done"] = pass_state(
        parameters={"instanceId.$": "$.plan.instanceId", "role.$": "$.plan.role", "phase.$": "$.plan.phase",
                    "result": "CONTINUE", **({"path.$": "$.path"} if launch else {})},
        end=True)
    states["CompleteFailed"] = pass_state(
        comment="Auto Scaling took no answer (the hook may have timed out already)",
        parameters={"Error": "Kiln.CompleteLifecycleActionFailed",
                    "Cause.$": "States.Format('could not complete the lifecycle action of {}: {}', $.plan.instanceId, $.error.Cause)"},
        result_path="$.error", next="FailureName")

    # --- failure ------------------------------------------------------------------------------------------
    if launch:
        states["Abandon"] = task(
            comment="Any failure or timeout: the instance was not verified, so Auto Scaling replaces it",
            resource=sdk("autoscaling", "completeLifecycleAction"), parameters={**ACTION, "LifecycleActionResult": "ABANDON"},
            result_path=None, retry=[ASG_RETRY], catch=[catch_to("CountFailedLaunch", result_path="$.abandonError")],
            next="CountFailedLaunch")
        states["CountFailedLaunch"] = lambda_task(
            comment="Counts the group's failed launches in a row; at the configured limit its Launch process is suspended and the team told once",
            function="${LaunchGuardFunctionArn}",
            payload={"event.$": "$$.Execution.Input", "executionArn.$": "$$.Execution.Id", "state.$": "$"},
            result_selector={"outcome.$": "$.Payload.outcome", "count.$": "$.Payload.count"}, result_path="$.failedLaunches",
            retry=[LAMBDA_RETRY], catch=[catch_to("FailureName", result_path="$.countError")], next="FailureName")
    else:
        states["ContinueAfterFailure"] = task(
            comment="Draining failed or ran out of time: the instance goes anyway (scale-in is never blocked), and the failure is reported",
            resource=sdk("autoscaling", "completeLifecycleAction"), parameters={**ACTION, "LifecycleActionResult": "CONTINUE"},
            result_path=None, retry=[ASG_RETRY], catch=[catch_to("FailureName", result_path="$.continueError")],
            next="FailureName")
    states.update(failure_states())

    return machine(
        comment=("Deploys the role's release on a launching instance and checks it before it serves: CONTINUE when it is ready,"
                 " ABANDON on any failure or timeout" if launch else
                 "Drains a terminating instance and flushes its logs within a bound, then always CONTINUEs; failures are reported"),
        timeout_seconds=7200 if launch else 3600, states=states)


if __name__ == "__main__":
    main(__file__, {"launch": lambda: build("launch"), "drain": lambda: build("drain")})
