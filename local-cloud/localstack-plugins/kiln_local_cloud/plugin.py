from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class KilnJavaExecutorPlugin(RuntimeExecutorPlugin):
    """Selected with LAMBDA_RUNTIME_EXECUTOR=kiln-java."""

    name = "kiln-java"

    def load(self, *args, **kwargs):
        from kiln_local_cloud.executor import JavaHostExecutor

        return JavaHostExecutor
