"""GetFunction and GetFunctionConfiguration of a function named by an alias, answered as AWS does.

AWS answers `GetFunctionConfiguration(FunctionName="<name>:live")` (or `Qualifier="live"`) with the
configuration of the version the alias points to. LocalStack looks a qualifier up among the function's
versions only and answers ResourceNotFoundException for an alias. Every Kiln function is invoked through its
alias `live`, and the stack outputs name functions by it (`<name>:live`), so a caller reading such a
function's role or settings was refused on the local cloud where AWS answers.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def version_named(function, qualifier: str | None) -> str | None:
    """The version `qualifier` stands for in `function`: the one an alias of that name points to, else itself."""
    alias = function.aliases.get(qualifier) if function is not None and qualifier else None
    return alias.function_version if alias is not None else qualifier


@hooks.on_infra_start()
def answer_functions_named_by_an_alias():
    from localstack.services.lambda_ import provider
    from localstack.services.lambda_.invocation.models import lambda_stores

    find_version = provider.get_function_version
    if getattr(find_version, "kiln_aliases", False):
        return

    def get_function_version(function_name, qualifier, account_id, region):
        function = lambda_stores[account_id][region].functions.get(function_name)
        return find_version(function_name, version_named(function, qualifier), account_id, region)

    get_function_version.kiln_aliases = True
    provider.get_function_version = get_function_version
    LOG.info("kiln: GetFunction and GetFunctionConfiguration answer for a function's alias")
