"""Lets a Map state's worker take any number of items.

LocalStack's IterationWorker takes its next item by calling itself again (`_eval_pool` ends in
`self._eval_pool(next_job, ...)`), so a worker that takes about a thousand items runs into
Python's recursion limit, its thread dies with RecursionError, and the Map (and its execution)
never ends. On AWS a distributed Map takes up to ten thousand concurrent children and millions of
items; rotate's Map reads every opted-in group, one worker per `rotation.maxConcurrency`. This hook
makes the worker take its items in a loop, with the same steps in the same order.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def iterate_map_items_in_a_loop():
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_map.iteration.iteration_worker import (
        IterationWorker,
    )

    def _eval_pool(self, job, worker_frame):
        while True:
            if job is None:
                self._env.close_frame(worker_frame)
                return
            job_frame = worker_frame.open_inner_frame()
            self._eval_job(env=job_frame, job=job)
            worker_frame.close_frame(job_frame)
            # a failed job or a stopped worker ends the worker
            if isinstance(job.job_output, Exception) or self.stopped():
                self._env.close_frame(worker_frame)
                self._job_pool.close_job(job)
                return
            next_job = self._job_pool.next_job()
            if next_job is None:
                # the last job's events are the source of the states that follow the Map
                worker_frame.event_history_context.source_event_id = job_frame.event_history_context.last_published_event_id
                self._env.close_frame(worker_frame)
                self._job_pool.close_job(job)
                return
            self._job_pool.close_job(job)
            job = next_job

    IterationWorker._eval_pool = _eval_pool
    LOG.info("Kiln: Map workers take their items in a loop")
