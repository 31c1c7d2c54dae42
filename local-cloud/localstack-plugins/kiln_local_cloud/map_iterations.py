"""Lets a Map state's worker take any number of items.

LocalStack's Map workers take their next item by calling themselves again (`_eval_pool` ends in
`self._eval_pool(next_job, ...)`), so a worker that takes about a thousand items runs into
Python's recursion limit, its thread dies with RecursionError and the Map (and its execution)
never ends. On AWS a distributed Map runs millions of items; rotate's Map takes every opted-in
group with `rotation.maxConcurrency` workers. This hook makes each worker take its items in a
loop, with the same steps in the same order as LocalStack's own `_eval_pool`.

The inline worker (`IterationWorker`) closes frames into the parent's history; the distributed
workers delete them (their children are separate executions) and open the job frame as an inner
frame (item processor) or a plain frame (iterator).
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def _loop(open_job_frame, end_frame, record_last_event):
    """An `_eval_pool` that loops; the three workers differ only in these three steps."""

    def _eval_pool(self, job, worker_frame):
        while True:
            if job is None:
                end_frame(self._env, worker_frame)
                return
            job_frame = open_job_frame(worker_frame)
            self._eval_job(env=job_frame, job=job)
            end_frame(worker_frame, job_frame)
            # a failed job or a stopped worker ends the worker
            if isinstance(job.job_output, Exception) or self.stopped():
                end_frame(self._env, worker_frame)
                self._job_pool.close_job(job)
                return
            next_job = self._job_pool.next_job()
            if next_job is None:
                if record_last_event:
                    # the last job's events are the source of the states that follow the Map
                    worker_frame.event_history_context.source_event_id = (
                        job_frame.event_history_context.last_published_event_id
                    )
                end_frame(self._env, worker_frame)
                self._job_pool.close_job(job)
                return
            self._job_pool.close_job(job)
            job = next_job

    return _eval_pool


@hooks.on_infra_start()
def iterate_map_items_in_a_loop():
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_map.iteration.itemprocessor.distributed_item_processor_worker import (
        DistributedItemProcessorWorker,
    )
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_map.iteration.iteration_worker import (
        IterationWorker,
    )
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_map.iteration.iterator.distributed_iterator_worker import (
        DistributedIteratorWorker,
    )

    def close(owner, frame):
        owner.close_frame(frame)

    def delete(owner, frame):
        owner.delete_frame(frame)

    IterationWorker._eval_pool = _loop(
        lambda frame: frame.open_inner_frame(), close, record_last_event=True
    )
    DistributedItemProcessorWorker._eval_pool = _loop(
        lambda frame: frame.open_inner_frame(), delete, record_last_event=False
    )
    DistributedIteratorWorker._eval_pool = _loop(
        lambda frame: frame.open_frame(), delete, record_last_event=False
    )
    LOG.info("Kiln: Map workers take their items in a loop")
