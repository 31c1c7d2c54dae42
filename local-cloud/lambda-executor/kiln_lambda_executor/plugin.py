from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class KilnJavaExecutorPlugin(RuntimeExecutorPlugin):
    """Selected with LAMBDA_RUNTIME_EXECUTOR=kiln-java."""

    name = "kiln-java"

    def load(self, *args, **kwargs):
        from kiln_lambda_executor.executor import JavaHostExecutor

        return JavaHostExecutor
