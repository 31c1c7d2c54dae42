"""A function named by an alias is the version the alias points to, as AWS answers GetFunctionConfiguration."""

import unittest
from types import SimpleNamespace

from kiln_local_cloud.function_aliases import version_named


def function(**aliases):
    return SimpleNamespace(aliases={name: SimpleNamespace(function_version=version) for name, version in aliases.items()})


class FunctionAliasesTest(unittest.TestCase):
    def test_an_alias_stands_for_the_version_it_points_to(self):
        self.assertEqual(version_named(function(live="3"), "live"), "3")

    def test_a_version_or_latest_stands_for_itself(self):
        self.assertEqual(version_named(function(live="3"), "2"), "2")
        self.assertEqual(version_named(function(live="3"), "$LATEST"), "$LATEST")

    def test_no_qualifier_stays_none_so_latest_is_read(self):
        self.assertIsNone(version_named(function(live="3"), None))

    def test_an_unknown_function_leaves_the_qualifier_for_localstack_to_refuse(self):
        self.assertEqual(version_named(None, "live"), "live")


if __name__ == "__main__":
    unittest.main()
