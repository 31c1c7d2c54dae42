"""Parses each JSONPath of a state machine once.

LocalStack's Step Functions parses every path (`InputPath`, `"x.$"` parameters, `ResultPath`, ...)
each time a state runs, and jsonpath-ng builds a new parser, generating its LR tables with ply,
for every parse. Profiled on rotate's distributed Map (a group's three states in about 0.4 s),
that was most of the CPU: 2,000 groups took 13 minutes. A parsed path is a tree that finding and
updating only read, so one parse per distinct path serves every state that uses it.
"""

import functools
import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

PATHS_KEPT = 4096


@hooks.on_infra_start()
def parse_each_jsonpath_once():
    from localstack.services.stepfunctions.asl.component.common.path import result_path
    from localstack.services.stepfunctions.asl.utils import json_path

    json_path.parse = functools.lru_cache(maxsize=PATHS_KEPT)(json_path.parse)
    result_path.parse = functools.lru_cache(maxsize=PATHS_KEPT)(result_path.parse)
    LOG.info("Kiln: Step Functions parses each JSONPath once")
