"""An indefinite JSONPath gives a list, as on AWS.

Step Functions' JSONPath is Jayway's: a path that can match any number of values (a wildcard `[*]`,
a filter `[?(...)]`, a slice, a union, a deep scan `..`) gives a list, of one value or none as well
as of many. LocalStack's Step Functions gives the value itself when such a path matches one value
(`States.ArrayContains($.regions[*].status, 'failed')` with one region: "Expected an array type as
first argument, but got failed"), and fails a filter or a union that matches nothing. Here an
indefinite path gives the list of what it matched; every other path is LocalStack's (a literal
index such as `$.items[0]` gives the value, as AWS does).
"""

import logging
import re
import sys

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

# [*], [?(...)], [a:b], [0,1] or ['a','b'], and ..
_INDEFINITE = re.compile(r"\[\s*\*\s*\]|\[\s*\?|\[[^\]]*[:,][^\]]*\]|\.\.")


def indefinite(path: str) -> bool:
    return bool(_INDEFINITE.search(path))


@hooks.on_infra_start()
def give_lists_for_indefinite_paths():
    from localstack.services.stepfunctions.asl.utils import json_path

    original = json_path.extract_json

    def extract_json(path, data):
        if indefinite(path):
            return [match.value for match in json_path.parse(path).find(data)]
        return original(path, data)

    json_path.extract_json = extract_json
    # modules that imported it by name before this hook ran
    for name, module in list(sys.modules.items()):
        if name.startswith("localstack.services.stepfunctions") and getattr(module, "extract_json", None) is original:
            module.extract_json = extract_json
    LOG.info("Kiln: an indefinite JSONPath gives a list in Step Functions")
