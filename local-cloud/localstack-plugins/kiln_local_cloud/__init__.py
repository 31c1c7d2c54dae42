"""What Kiln's local cloud adds to LocalStack core (installed into its venv by scripts/local-cloud).

- ``executor``: runs deployed Java Lambda functions on the host, the way the java21 runtime does.
  LocalStack community runs Lambda only in Docker. This executor starts one JVM per execution
  environment with AWS's own runtime interface client (``aws-lambda-java-runtime-interface-client``)
  and serves it the Lambda Runtime API, so functions are invoked by LocalStack's EventBridge, Step
  Functions and Invoke exactly as they would be: the same event serialisation, errors reported by
  their class name, the function's timeout and its environment variables.
- ``iam_bridge``: lets EC2 launch instances with an instance profile created through IAM.
"""
