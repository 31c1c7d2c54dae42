"""Lets an EventBridge rule start a state machine with part of the event.

LocalStack names the execution a Step Functions target starts after the event's `id`, read from
the event as the target will get it. A target with `InputPath` (rotate's rule on `Rotation
Requested` passes `$.detail`) gets a part without `id`: LocalStack fails to deliver with KeyError
'id' and the state machine never starts. (A part that has an `id` of its own would name the
execution after it.) This hook names executions after the event's id when the target gets the
whole event, as LocalStack does, and with a new unique name when it gets part of it.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def start_state_machines_with_part_of_an_event():
    from localstack.services.events.target import StatesTargetSender
    from localstack.services.events.utils import to_json_str
    from localstack.utils.strings import long_uid

    def send_event(self, event, trace_header):
        self.service = "stepfunctions"
        whole = not any(key in self.target for key in ("Input", "InputPath", "InputTransformer"))
        name = event["id"] if whole else long_uid()
        self.client.start_execution(stateMachineArn=self.target["Arn"], name=name, input=to_json_str(event))

    StatesTargetSender.send_event = send_event
    LOG.info("Kiln: rules start state machines with part of an event")
