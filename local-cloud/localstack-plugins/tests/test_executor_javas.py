"""Each Java runtime runs on a JVM of its own version; a runtime the local cloud has no JVM for is refused."""

import unittest

from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException

from kiln_local_cloud.executor import java_for, java_options

JAVAS = "java21=/jvms/21/bin/java java25=/jvms/25/bin/java"


class ExecutorJavasTest(unittest.TestCase):
    def test_each_runtime_gets_the_jvm_of_its_version(self):
        self.assertEqual(java_for("java21", JAVAS), "/jvms/21/bin/java")
        self.assertEqual(java_for("java25", JAVAS), "/jvms/25/bin/java")

    def test_a_runtime_without_a_jvm_is_refused_with_the_ones_there_are(self):
        with self.assertRaises(LambdaRuntimeException) as refused:
            java_for("java17", JAVAS)
        self.assertIn("no JVM for runtime java17 (it has: java21, java25)", str(refused.exception))

    def test_only_jdk_22_and_later_are_told_to_allow_the_runtime_clients_native_library(self):
        self.assertEqual(java_options("java21"), [])
        self.assertEqual(java_options("java25"), ["--enable-native-access=ALL-UNNAMED"])


if __name__ == "__main__":
    unittest.main()
