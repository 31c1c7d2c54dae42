"""Which JSONPaths give lists in the local cloud's Step Functions, as in AWS's (run by scripts/test)."""

import unittest

from kiln_local_cloud.jsonpath_lists import indefinite


class IndefinitePathsTest(unittest.TestCase):
    def test_wildcards_filters_slices_unions_and_deep_scans_are_indefinite(self):
        for path in ("$.regions[*].status", "$.regions[?(@.status == 'failed')]", "$.items[1:3]", "$.items[0,1]",
                     "$..status", "$[*]"):
            self.assertTrue(indefinite(path), path)

    def test_names_and_literal_indexes_are_not(self):
        for path in ("$.regions", "$.items[0]", "$.copy.region", "$$.Map.Item.Value", "$"):
            self.assertFalse(indefinite(path), path)


if __name__ == "__main__":
    unittest.main()
