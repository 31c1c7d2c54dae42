"""Drives Kiln's notification path on the local cloud and shows what happened (run by scripts/demo).

A Kiln workflow fails for real (a state machine named like Kiln's, which fails on purpose); another
team's workflow fails and a Kiln workflow succeeds (events the rule must ignore). Then it shows the
notification a subscriber received and what the notify function logged.
"""

import json
import sys
import time
import uuid

import boto3

STACK = "kiln"
DEMO_MACHINE = "kiln-demo"
MAILBOX = "kiln-demo-mailbox"
DEADLINE_SECONDS = 120

DEMO_DEFINITION = {
    "Comment": "Fails on purpose so that scripts/demo can show a failure notification",
    "StartAt": "PrepareBuilder",
    "States": {
        "PrepareBuilder": {"Type": "Pass", "Next": "LaunchBuilder"},
        "LaunchBuilder": {
            "Type": "Fail",
            "Error": "Demo.SpotCapacityUnavailable",
            "Cause": "There is no Spot capacity for t4g.large in subnet-0demo (this failure is staged by scripts/demo)",
        },
    },
}


def main(sample_dir: str) -> int:
    cfn, sfn, sqs, sns = (boto3.client(s) for s in ("cloudformation", "stepfunctions", "sqs", "sns"))
    events, logs, lam = (boto3.client(s) for s in ("events", "logs", "lambda"))

    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]}
    function = outputs["NotifyFunctionName"]
    state = lam.get_function(FunctionName=function)["Configuration"]["State"]
    print(f"Kiln is deployed in the local cloud: stack '{STACK}', notify function {function} ({state})")

    # a subscriber, as a team's mailbox or chat channel would be
    queue_url = sqs.create_queue(QueueName=MAILBOX)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=outputs["NotificationTopicArn"], Protocol="sqs", Endpoint=queue_arn)
    print(f"Subscribed queue '{MAILBOX}' to the notification topic\n")

    started = int(time.time() * 1000)
    run = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]

    print("1. A Kiln workflow fails for real")
    machine_arn = ensure_demo_machine(sfn)
    execution = f"demo-{run}"
    sfn.start_execution(stateMachineArn=machine_arn, name=execution)
    print(f"   started {DEMO_MACHINE} execution {execution}: PrepareBuilder -> LaunchBuilder (fails)")

    print("2. Events the rule must ignore")
    ignored = [f"other-{run}", f"fine-{run}"]
    put_sample(events, f"{sample_dir}/aws.states/execution-failed-other-state-machine.json", "payroll-export", ignored[0])
    print(f"   another team's state machine 'payroll-export' failed ({ignored[0]})")
    put_sample(events, f"{sample_dir}/aws.states/execution-succeeded.json", "kiln-bake", ignored[1])
    print(f"   a kiln-bake execution succeeded ({ignored[1]})")

    print("3. Waiting for the notification ...")
    notification, others = wait_for(sqs, queue_url, execution)
    if notification is None:
        print(f"   no notification arrived within {DEADLINE_SECONDS}s; see .cache/local-cloud/localstack.log", file=sys.stderr)
        return 1
    print(f"\n--- what the subscriber received (subject: {notification['Subject']}) ---")
    print(notification["Message"].rstrip())
    print("--- end of notification ---\n")

    leaked = [o for o in others if any(name in o.get("Subject", "") for name in ignored)]
    print(f"Ignored events notified nobody: {'yes' if not leaked else 'NO: ' + str([o['Subject'] for o in leaked])}")

    print("\nWhat notify logged (structured JSON, one line per event):")
    for line in log_lines(logs, lam, function, started):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        extra = {k: v for k, v in entry.items() if k in ("executionArn", "status", "messageId", "reason")}
        print(f"   {entry.get('level')}: {entry.get('message')} {json.dumps(extra)}")
    print("\nNext: scripts/put-event events/aws.states/execution-timed-out.json, then read the queue "
          f"'{MAILBOX}'; scripts/local-cloud stop when done.")
    return 0 if not leaked else 1


def ensure_demo_machine(sfn) -> str:
    existing = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == DEMO_MACHINE]
    role = "arn:aws:iam::000000000000:role/kiln-demo"
    if existing:
        sfn.update_state_machine(stateMachineArn=existing[0], definition=json.dumps(DEMO_DEFINITION), roleArn=role)
        return existing[0]
    return sfn.create_state_machine(name=DEMO_MACHINE, definition=json.dumps(DEMO_DEFINITION), roleArn=role)[
        "stateMachineArn"]


def put_sample(events, path: str, machine: str, execution: str) -> None:
    event = json.load(open(path))
    account, region = "000000000000", "us-east-1"
    execution_arn = f"arn:aws:states:{region}:{account}:execution:{machine}:{execution}"
    detail = dict(event["detail"], executionArn=execution_arn, name=execution,
                  stateMachineArn=f"arn:aws:states:{region}:{account}:stateMachine:{machine}")
    events.put_events(Entries=[{"Source": event["source"], "DetailType": event["detail-type"],
                                "Resources": [execution_arn], "Detail": json.dumps(detail)}])


def wait_for(sqs, queue_url: str, execution: str):
    found, others = None, []
    deadline = time.time() + DEADLINE_SECONDS
    while time.time() < deadline and found is None:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            envelope = json.loads(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            if envelope.get("Subject", "").endswith(execution):
                found = envelope
            else:
                others.append(envelope)
    # anything the ignored events might have caused would have arrived by now; look once more
    for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=3).get("Messages", []):
        others.append(json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found, others


def log_lines(logs, lam, function: str, since_ms: int):
    groups = {f"/aws/lambda/{function}"}
    configured = lam.get_function(FunctionName=function)["Configuration"].get("LoggingConfig", {}).get("LogGroup")
    if configured:
        groups.add(configured)
    lines = []
    for group in groups:
        try:
            lines += [e["message"] for e in logs.filter_log_events(logGroupName=group, startTime=since_ms)["events"]]
        except logs.exceptions.ResourceNotFoundException:
            pass
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
