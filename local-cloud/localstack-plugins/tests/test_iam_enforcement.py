"""Which roles' sessions and trust policies the local cloud checks (run by scripts/test)."""

import json
import unittest

from kiln_local_cloud.iam_enforcement import _checked_role, _cross_account, _identity


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


class CheckedRolesTest(unittest.TestCase):
    def test_a_services_role_is_checked_but_its_trust_is_left_to_localstack(self):
        lambda_role = trust({"Service": "lambda.amazonaws.com"})
        self.assertTrue(_checked_role(lambda_role, "000000000000"))
        self.assertFalse(_cross_account(lambda_role, "000000000000"))

    def test_a_role_another_account_may_assume_is_checked_and_so_is_its_trust(self):
        member_role = trust({"AWS": "arn:aws:iam::000000000000:root"})
        self.assertTrue(_checked_role(member_role, "111111111111"))
        self.assertTrue(_cross_account(member_role, "111111111111"))

    def test_a_role_the_accounts_own_people_assume_is_not_checked(self):
        cdk_role = trust({"AWS": "arn:aws:iam::000000000000:root"})
        self.assertFalse(_checked_role(cdk_role, "000000000000"))

    def test_a_session_is_checked_as_the_role_behind_it(self):
        self.assertEqual("arn:aws:iam::000000000000:role/kiln-DistributionRegion",
                         _identity("arn:aws:sts::000000000000:assumed-role/kiln-DistributionRegion/session-1"))


if __name__ == "__main__":
    unittest.main()
