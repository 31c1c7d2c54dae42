"""IAM's policy evaluation for identity-based policies, as AWS documents it.

A request is allowed when some statement allows it and none denies it; nothing allows by default.
A statement applies when its Action (or NotAction), its Resource (or NotResource) and every one of
its conditions match. Conditions follow "IAM JSON policy elements: Condition operators": the
operators are ANDed, the keys inside one operator are ANDed, the values of one key are ORed; a
missing key fails a condition unless the operator is negated (StringNotEquals, ArnNotLike, ...),
ends in IfExists, or is Null; ForAnyValue/ForAllValues compare sets of values. Keys are
case-insensitive, so the context is keyed by lower-case names.

Pure Python, no LocalStack: iam_enforcement.py gives it the policies and the request.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class AuthRequest:
    """One action on one resource, with the condition keys AWS would put in the request context."""

    action: str  # e.g. ec2:RunInstances
    resource: str  # an ARN, or * for actions without resource-level permissions
    context: dict[str, str | list[str]] = field(default_factory=dict)  # lower-case key -> value(s)


@dataclass(frozen=True)
class Policy:
    name: str  # where the statements come from: an inline policy's name or a managed policy's ARN
    document: dict


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "allowed", "explicit deny" or "no statement allows"
    policy: str | None = None  # the policy of the statement that decided, if one did
    statement: str | None = None  # its Sid, or its index in the policy


def evaluate(policies: list[Policy], request: AuthRequest) -> Decision:
    return _decide(policies, lambda statement: _applies(statement, request), Decision(False, "no statement allows"))


def _decide(policies: list[Policy], applies, refusal: Decision) -> Decision:
    """An explicit deny wins; else the first statement that allows; else the refusal."""
    allowed_by: tuple[str, str] | None = None
    for policy in policies:
        statements = policy.document.get("Statement", [])
        for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
            if not applies(statement):
                continue
            where = (policy.name, str(statement.get("Sid") or index))
            if statement.get("Effect") == "Deny":
                return Decision(False, "explicit deny", *where)
            if statement.get("Effect") == "Allow" and allowed_by is None:
                allowed_by = where
    if allowed_by:
        return Decision(True, "allowed", *allowed_by)
    return refusal


def _applies(statement: dict, request: AuthRequest) -> bool:
    return (
        _element_matches(statement, "Action", request.action, ignore_case=True)
        and _element_matches(statement, "Resource", request.resource, ignore_case=False)
        and _conditions_hold(statement, request.context)
    )


def _conditions_hold(statement: dict, context: dict) -> bool:
    return all(
        _condition_holds(operator, key.lower(), _as_list(expected), context)
        for operator, block in (statement.get("Condition") or {}).items()
        for key, expected in block.items()
    )


def _element_matches(statement: dict, element: str, value: str, ignore_case: bool) -> bool:
    """Action or Resource lists what the statement is about; NotAction or NotResource everything but that."""
    if element in statement:
        return _any_match(statement[element], value, ignore_case)
    if f"Not{element}" in statement:
        return not _any_match(statement[f"Not{element}"], value, ignore_case)
    return False


def _any_match(patterns: str | list[str], value: str, ignore_case: bool) -> bool:
    return any(_glob(pattern, ignore_case).fullmatch(value) for pattern in _as_list(patterns))


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern:
    # IAM's wildcards: * any run of characters (also across ':' and '/'), ? one character
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(expression, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --- conditions -------------------------------------------------------------------------------------


def _string_equals(expected: str, actual: str) -> bool:
    return expected == actual


def _string_equals_ignore_case(expected: str, actual: str) -> bool:
    return expected.lower() == actual.lower()


def _string_like(expected: str, actual: str) -> bool:
    return _glob(expected, False).fullmatch(actual) is not None


def _arn_like(expected: str, actual: str) -> bool:
    # each of an ARN's six parts is compared on its own; the last part may hold ':'
    expected_parts, actual_parts = expected.split(":", 5), actual.split(":", 5)
    if len(expected_parts) != 6 or len(actual_parts) != 6:
        return False
    return all(_glob(e, False).fullmatch(a) for e, a in zip(expected_parts, actual_parts))


def _numeric(compare):
    def matches(expected: str, actual: str) -> bool:
        try:
            return compare(float(actual), float(expected))
        except ValueError:
            return False

    return matches


def _bool(expected: str, actual: str) -> bool:
    return str(expected).lower() == str(actual).lower()


def _ip_address(expected: str, actual: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return False


# operator -> (test of one expected value against one actual value, negated)
_OPERATORS = {
    "stringequals": (_string_equals, False),
    "stringnotequals": (_string_equals, True),
    "stringequalsignorecase": (_string_equals_ignore_case, False),
    "stringnotequalsignorecase": (_string_equals_ignore_case, True),
    "stringlike": (_string_like, False),
    "stringnotlike": (_string_like, True),
    "arnequals": (_arn_like, False),
    "arnlike": (_arn_like, False),
    "arnnotequals": (_arn_like, True),
    "arnnotlike": (_arn_like, True),
    "numericequals": (_numeric(lambda a, e: a == e), False),
    "numericnotequals": (_numeric(lambda a, e: a == e), True),
    "numericlessthan": (_numeric(lambda a, e: a < e), False),
    "numericlessthanequals": (_numeric(lambda a, e: a <= e), False),
    "numericgreaterthan": (_numeric(lambda a, e: a > e), False),
    "numericgreaterthanequals": (_numeric(lambda a, e: a >= e), False),
    "bool": (_bool, False),
    "ipaddress": (_ip_address, False),
    "notipaddress": (_ip_address, True),
}


class UnsupportedConditionError(ValueError):
    """A condition operator this evaluator does not know: refusing is safer than guessing."""


def _condition_holds(operator: str, key: str, expected: list, context: dict) -> bool:
    name = operator.lower()
    present = key in context
    actual = _as_list(context[key]) if present else []

    if name == "null":
        # "true": the key must be absent; "false": it must be present
        return any((not present) == (str(e).lower() == "true") for e in expected)

    set_operator = None
    for prefix in ("forallvalues:", "foranyvalue:"):
        if name.startswith(prefix):
            set_operator, name = prefix[:-1], name[len(prefix):]
    if_exists = name.endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    if name not in _OPERATORS:
        raise UnsupportedConditionError(f"condition operator {operator} is not supported")
    test, negated = _OPERATORS[name]

    if not present:
        if set_operator == "forallvalues":
            return True  # no values: every one of them matches
        return if_exists or negated

    def matches_any(value) -> bool:
        return any(test(str(e), str(value)) for e in expected)

    if set_operator == "forallvalues":
        return all(matches_any(v) != negated for v in actual)
    if set_operator == "foranyvalue":
        return any(matches_any(v) != negated for v in actual)
    if negated:
        return not any(matches_any(v) for v in actual)
    return any(matches_any(v) for v in actual)


# --- trust policies ---------------------------------------------------------------------------------


def trusts(trust_policy: dict, caller_arn: str, caller_account: str, context: dict) -> Decision:
    """Whether a role's trust policy lets the caller assume it (sts:AssumeRole).

    caller_arn is the IAM identity behind the call: arn:aws:iam::<account>:root for an account's own keys,
    arn:aws:iam::<account>:role/<name> for a role's session. A principal naming an account (its id, or its
    :root ARN) trusts every identity of that account that its own policies let call sts:AssumeRole; a
    role's ARN trusts that role's sessions only; conditions (sts:ExternalId, aws:PrincipalArn, ...) must hold.
    """
    def names_caller(statement: dict) -> bool:
        return (_element_matches(statement, "Action", "sts:AssumeRole", ignore_case=True)
                and _principal_matches(statement.get("Principal"), caller_arn, caller_account))

    statements = trust_policy.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    # the statement that names the caller but whose conditions (sts:ExternalId, ...) do not hold, to say which
    near = next((str(s.get("Sid") or i) for i, s in enumerate(statements)
                 if s.get("Effect") == "Allow" and names_caller(s) and not _conditions_hold(s, context)), None)
    return _decide([Policy("trust policy", trust_policy)], lambda s: names_caller(s) and _conditions_hold(s, context),
                   Decision(False, "the role's trust policy does not let the caller assume it", "trust policy", near))


def _principal_matches(principal, caller_arn: str, caller_account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for value in _as_list(principal.get("AWS", [])):
        if value == "*" or value == caller_arn:
            return True
        if value == caller_account or re.fullmatch(rf"arn:aws[a-z-]*:iam::{caller_account}:root", value):
            return True
    return False
