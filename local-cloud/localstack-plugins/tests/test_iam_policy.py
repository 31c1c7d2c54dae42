"""IAM policy evaluation, checked against the cases AWS documents (run by scripts/test)."""

import unittest

from kiln_local_cloud.iam_policy import AuthRequest, Policy, UnsupportedConditionError, evaluate, trusts


def policy(*statements, name="p"):
    return Policy(name, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", condition=None, sid=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    if sid:
        statement["Sid"] = sid
    return statement


class EvaluationTest(unittest.TestCase):
    def test_nothing_is_allowed_without_a_statement_that_allows_it(self):
        decision = evaluate([], AuthRequest("s3:GetObject", "arn:aws:s3:::b/k"))
        self.assertFalse(decision.allowed)
        self.assertEqual("no statement allows", decision.reason)

    def test_an_allow_names_the_policy_and_statement_that_allowed(self):
        decision = evaluate([policy(allow("s3:GetObject", "arn:aws:s3:::b/*", sid="Read"), name="fn")],
                            AuthRequest("s3:GetObject", "arn:aws:s3:::b/k"))
        self.assertEqual((True, "fn", "Read"), (decision.allowed, decision.policy, decision.statement))

    def test_an_explicit_deny_wins_over_any_allow(self):
        deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/secret/*"}
        decision = evaluate([policy(allow("s3:*", "*")), policy(deny, name="guard")],
                            AuthRequest("s3:GetObject", "arn:aws:s3:::b/secret/x"))
        self.assertEqual((False, "explicit deny", "guard"), (decision.allowed, decision.reason, decision.policy))

    def test_actions_match_case_insensitively_with_wildcards(self):
        p = [policy(allow(["ec2:describe*", "ssm:Get?arameter"]))]
        self.assertTrue(evaluate(p, AuthRequest("ec2:DescribeInstances", "*")).allowed)
        self.assertTrue(evaluate(p, AuthRequest("ssm:GetParameter", "*")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("ssm:GetParameters", "*")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("ec2:RunInstances", "*")).allowed)

    def test_resources_match_case_sensitively_and_a_star_crosses_slashes(self):
        p = [policy(allow("ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/kiln/images/*"))]
        self.assertTrue(evaluate(p, AuthRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/kiln/images/web/x")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/Kiln/images/web")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/kiln/config")).allowed)

    def test_not_action_and_not_resource_apply_to_everything_else(self):
        p = [policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::private/*"})]
        self.assertTrue(evaluate(p, AuthRequest("s3:GetObject", "arn:aws:s3:::public/k")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("s3:GetObject", "arn:aws:s3:::private/k")).allowed)
        self.assertFalse(evaluate(p, AuthRequest("iam:PassRole", "arn:aws:iam::1:role/r")).allowed)

    def test_a_single_statement_document_is_read_like_a_list(self):
        p = [Policy("p", {"Statement": allow("sns:Publish", "arn:aws:sns:us-east-1:1:t")})]
        self.assertTrue(evaluate(p, AuthRequest("sns:Publish", "arn:aws:sns:us-east-1:1:t")).allowed)


class ConditionTest(unittest.TestCase):
    def check(self, condition, context):
        return evaluate([policy(allow("ec2:TerminateInstances", "*", condition))],
                        AuthRequest("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:1:instance/i-1", context)).allowed

    def test_null_false_needs_the_key_and_null_true_needs_it_absent(self):
        tagged = {"aws:resourcetag/kiln:build-id": "web-1"}
        self.assertTrue(self.check({"Null": {"aws:ResourceTag/kiln:build-id": "false"}}, tagged))
        self.assertFalse(self.check({"Null": {"aws:ResourceTag/kiln:build-id": "false"}}, {}))
        self.assertTrue(self.check({"Null": {"aws:ResourceTag/kiln:build-id": "true"}}, {}))

    def test_string_equals_ors_its_values_and_fails_on_a_missing_key(self):
        condition = {"StringEquals": {"ec2:CreateAction": ["RunInstances", "CreateImage"]}}
        self.assertTrue(self.check(condition, {"ec2:createaction": "CreateImage"}))
        self.assertFalse(self.check(condition, {"ec2:createaction": "CreateTags"}))
        self.assertFalse(self.check(condition, {}))

    def test_keys_of_one_operator_and_operators_are_anded(self):
        condition = {"StringEquals": {"aws:RequestTag/kiln:role": "web", "aws:RequestTag/kiln:build-id": "b"},
                     "Null": {"aws:ResourceTag/x": "true"}}
        both = {"aws:requesttag/kiln:role": "web", "aws:requesttag/kiln:build-id": "b"}
        self.assertTrue(self.check(condition, both))
        self.assertFalse(self.check(condition, {**both, "aws:resourcetag/x": "1"}))
        self.assertFalse(self.check(condition, {"aws:requesttag/kiln:role": "web"}))

    def test_a_negated_operator_holds_when_the_key_is_missing(self):
        condition = {"StringNotEquals": {"aws:ResourceTag/kiln:role": "base"}}
        self.assertTrue(self.check(condition, {}))
        self.assertTrue(self.check(condition, {"aws:resourcetag/kiln:role": "web"}))
        self.assertFalse(self.check(condition, {"aws:resourcetag/kiln:role": "base"}))

    def test_if_exists_holds_when_the_key_is_missing(self):
        condition = {"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}
        self.assertTrue(self.check(condition, {}))
        self.assertFalse(self.check(condition, {"iam:passedtoservice": "lambda.amazonaws.com"}))

    def test_string_like_and_arn_like_take_wildcards(self):
        self.assertTrue(self.check({"StringLike": {"aws:ResourceTag/kiln:build-id": "web-*"}},
                                   {"aws:resourcetag/kiln:build-id": "web-abc"}))
        arn = "arn:aws:states:us-east-1:1:execution:kiln-bake:web-1"
        self.assertTrue(self.check({"ArnLike": {"aws:SourceArn": "arn:aws:states:*:1:execution:kiln-bake:*"}},
                                   {"aws:sourcearn": arn}))
        self.assertFalse(self.check({"ArnLike": {"aws:SourceArn": "arn:aws:states:*:2:*"}}, {"aws:sourcearn": arn}))

    def test_for_all_values_allows_only_listed_tag_keys(self):
        condition = {"ForAllValues:StringEquals": {"aws:TagKeys": ["kiln:role", "kiln:build-id"]}}
        self.assertTrue(self.check(condition, {"aws:tagkeys": ["kiln:role"]}))
        self.assertFalse(self.check(condition, {"aws:tagkeys": ["kiln:role", "owner"]}))

    def test_for_any_value_needs_one_listed_tag_key(self):
        condition = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["kiln:build-id"]}}
        self.assertTrue(self.check(condition, {"aws:tagkeys": ["owner", "kiln:build-id"]}))
        self.assertFalse(self.check(condition, {"aws:tagkeys": ["owner"]}))
        self.assertFalse(self.check(condition, {}))

    def test_condition_keys_are_case_insensitive(self):
        self.assertTrue(self.check({"StringEquals": {"EC2:CreateAction": "RunInstances"}},
                                   {"ec2:createaction": "RunInstances"}))

    def test_an_unknown_operator_is_an_error_not_a_pass(self):
        with self.assertRaises(UnsupportedConditionError):
            self.check({"StringSortOf": {"aws:ResourceTag/x": "y"}}, {"aws:resourcetag/x": "y"})


class TrustTest(unittest.TestCase):
    """A member stack's role for the hub: the hub's account may assume it with the external id, nobody else."""

    HUB_ROLE = "arn:aws:iam::000000000000:role/kiln-DistributionRegion-1"
    TRUST = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "kiln-kiln-000000000000"}}}]}

    def assume(self, caller_arn, account, external_id=None):
        context = {"aws:principalaccount": account, "aws:principalarn": caller_arn}
        if external_id is not None:
            context["sts:externalid"] = external_id
        return trusts(self.TRUST, caller_arn, account, context)

    def test_the_trusted_accounts_roles_may_assume_it_with_the_external_id(self):
        self.assertTrue(self.assume(self.HUB_ROLE, "000000000000", "kiln-kiln-000000000000").allowed)

    def test_without_the_external_id_or_with_another_it_is_refused_naming_the_statement_whose_condition_failed(self):
        self.assertFalse(self.assume(self.HUB_ROLE, "000000000000").allowed)
        decision = self.assume(self.HUB_ROLE, "000000000000", "kiln-other-000000000000")
        self.assertEqual((False, "trust policy", "0"), (decision.allowed, decision.policy, decision.statement))

    def test_another_account_is_refused_whatever_it_says(self):
        decision = self.assume("arn:aws:iam::222222222222:role/x", "222222222222", "kiln-kiln-000000000000")
        self.assertEqual((False, "trust policy", None), (decision.allowed, decision.policy, decision.statement))

    def test_a_role_named_as_principal_trusts_that_role_only(self):
        trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": [self.HUB_ROLE]}, "Action": "sts:AssumeRole"}]}
        self.assertTrue(trusts(trust, self.HUB_ROLE, "000000000000", {}).allowed)
        self.assertFalse(trusts(trust, "arn:aws:iam::000000000000:role/other", "000000000000", {}).allowed)


if __name__ == "__main__":
    unittest.main()
