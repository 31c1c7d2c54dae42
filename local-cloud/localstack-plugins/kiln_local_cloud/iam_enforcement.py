"""IAM for the local cloud: every call made with a role's credentials is checked against that role.

LocalStack community stores IAM roles and policies but evaluates none of them. On AWS, a Lambda
function calls as its execution role, a state machine's service integrations call as the state
machine's role, and a rule's target is started as the rule's role; LocalStack already gives each of
those an STS session of that role (Lambda's environment credentials, Step Functions' and
EventBridge's assumed-role clients). This hook, a request handler after the request is parsed,
looks up the role behind a session's access key, reads its inline and managed policies, and
evaluates the call (iam_requests.py says what the call needs, iam_policy.py decides).

Only sessions of roles that an AWS service or another account may assume (a Service principal, or an
AWS principal of another account, in the trust policy: a member stack's role for the hub) are checked.
Requests signed with anything else (the test keys of a developer, a test or the CDK, or a session of
a role that people assume, such as the CDK's bootstrap roles) act as the account's administrator, as
they would with admin keys on AWS.

LocalStack lets anyone assume any role, and makes up a session for a role that does not exist. Here,
AssumeRole of a role that another account may assume is checked against its trust policy (the
caller's account or role, sts:ExternalId and the other conditions), whoever calls, and AssumeRole of
another account's role that does not exist is refused, as AWS refuses both.

KILN_IAM chooses the mode: "enforce" refuses with AWS's error for the service (EC2's
UnauthorizedOperation, AccessDeniedException, S3's AccessDenied, ...); "record" lets the call
through; "off" does not check. In both checking modes each refusal is one JSON line, in the
LocalStack log (prefix "kiln-iam") and appended to the file KILN_IAM_LOG names.
"""

import json
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from localstack.runtime import hooks

from kiln_local_cloud.iam_policy import AuthRequest, Decision, Policy, evaluate, trusts
from kiln_local_cloud.iam_requests import action_prefix, authorizations

LOG = logging.getLogger(__name__)

# the error AWS answers a refused call with: service -> (code, HTTP status)
_REFUSALS = {
    "ec2": ("UnauthorizedOperation", 403),
    "s3": ("AccessDenied", 403),
    "sqs": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "iam": ("AccessDenied", 403),
    "autoscaling": ("AccessDenied", 403),
    "elbv2": ("AccessDenied", 403),
    "cloudwatch": ("AccessDenied", 403),
    "sns": ("AuthorizationError", 403),
    "lambda": ("AccessDeniedException", 403),
}
_DEFAULT_REFUSAL = ("AccessDeniedException", 400)


@hooks.on_infra_start()
def enforce_iam():
    mode = os.environ.get("KILN_IAM", "off").strip().lower()
    if mode == "off":
        return
    if mode not in ("record", "enforce"):
        raise ValueError(f"KILN_IAM must be enforce, record or off, not {mode!r}")
    from localstack.aws import handlers

    handlers.serve_custom_service_request_handlers.append(IamCheck(mode, os.environ.get("KILN_IAM_LOG")))
    LOG.info("kiln: IAM is checked for calls made with a role's session (%s)", mode)


class IamCheck:
    def __init__(self, mode: str, log_file: str | None):
        self.enforce = mode == "enforce"
        self.mode = mode
        self.log_file = Path(log_file) if log_file else None
        self.unmapped: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    def __call__(self, chain, context, response):
        if not context.service or not context.operation:
            return
        session = _session(context)
        service, operation = context.service.service_name, context.operation.name
        if service == "sts" and operation == "AssumeRole":
            self._check_trust(context, session)
        if session is None:
            return
        role = _role(session)
        if role is None:
            return
        lookups = _Lookups(session.account_id, context.region)
        checks, known = authorizations(service, operation, context.service_request or {},
                                       session.account_id, context.region, lookups)
        if not known:
            self._note_unmapped(service, operation)
        policies = _policies(session.account_id, role["RoleName"])
        common = {
            "aws:principalarn": role["Arn"],
            "aws:principalaccount": session.account_id,
            "aws:principaltype": "AssumedRole",
            "aws:requestedregion": context.region,
        }
        for check in checks:
            request = AuthRequest(check.action, check.resource, {**common, **check.context})
            decision = evaluate(policies, request)
            if decision.allowed:
                continue
            self._log(role["RoleName"], session.arn, service, operation, request, decision, known)
            if self.enforce:
                raise _refusal(service, session.arn, request, decision)

    def _check_trust(self, context, session):
        from localstack.services.iam.models import iam_stores

        params = context.service_request or {}
        role_arn = params.get("RoleArn") or ""
        parts = role_arn.split(":", 5)
        if len(parts) != 6 or not parts[5].startswith("role/"):
            return
        account, name = parts[4], parts[5].rsplit("/", 1)[1]
        if session is None:
            caller_account, caller_arn = context.account_id, f"arn:aws:iam::{context.account_id}:root"
        else:
            caller_account, caller_arn = session.account_id, _identity(session.arn)
        entity = iam_stores[account]["us-east-1"].ROLES.get(name)
        if entity is None:
            if account == caller_account:
                return  # the account's own roles: as LocalStack has it (the CDK's, Kiln's services')
            decision = Decision(False, "no such role", "trust policy")
        else:
            trust = entity.role.get("AssumeRolePolicyDocument") or "{}"
            if not _cross_account(trust, account):
                return  # services assume their roles inside LocalStack, the account's people theirs
            conditions = {"aws:principalaccount": caller_account, "aws:principalarn": caller_arn}
            if params.get("ExternalId") is not None:
                conditions["sts:externalid"] = params["ExternalId"]
            decision = trusts(_document(trust), caller_arn, caller_account, conditions)
        if decision.allowed:
            return
        request = AuthRequest("sts:AssumeRole", role_arn)
        self._log(name, session.arn if session else caller_arn, "sts", "AssumeRole", request, decision, True)
        if self.enforce:
            raise _refusal("sts", session.arn if session else caller_arn, request, decision)

    def _log(self, role_name, principal, service, operation, request, decision, known):
        line = json.dumps({
            "kiln-iam": "refused" if self.enforce else "would refuse",
            "role": role_name,
            "principal": principal,
            "call": f"{service}:{operation}",
            "action": request.action,
            "resource": request.resource,
            "reason": decision.reason,
            "policy": decision.policy,
            "statement": decision.statement,
            "context": {k: v for k, v in request.context.items() if not k.startswith("aws:principal")},
            **({} if known else {"note": "call not in iam_requests.py: checked as the action on *"}),
        }, sort_keys=False)
        LOG.warning("kiln-iam %s", line)
        if self.log_file:
            with self.lock, self.log_file.open("a", encoding="utf-8") as sink:
                sink.write(line + "\n")

    def _note_unmapped(self, service, operation):
        if (service, operation) not in self.unmapped:
            self.unmapped.add((service, operation))
            LOG.info("kiln-iam: %s:%s is not in iam_requests.py; checked as %s:%s on *",
                     service, operation, action_prefix(service), operation)


def _refusal(service: str, principal: str, request: AuthRequest, decision):
    from localstack.aws.api import CommonServiceException

    code, status = _REFUSALS.get(service, _DEFAULT_REFUSAL)
    if decision.policy == "trust policy":
        # AWS says no more when the role's trust policy, or the role itself, is what is missing
        why = ""
    elif decision.reason == "explicit deny":
        why = " with an explicit deny in an identity-based policy"
    else:
        why = f" because no identity-based policy allows the {request.action} action"
    message = f"User: {principal} is not authorized to perform: {request.action} on resource: {request.resource}{why}"
    if service == "ec2":
        message = f"You are not authorized to perform this operation. {message}"
    elif service == "autoscaling" and not request.action.startswith("autoscaling:"):
        # a group's launch template is checked as the caller's own RunInstances
        message = f"You are not authorized to use launch template. {message}"
    return CommonServiceException(code, message, status_code=status, sender_fault=True)


# --- who is calling ---------------------------------------------------------------------------------


def _session(context):
    from localstack.services.sts.models import sts_stores
    from localstack.utils.aws.request_context import extract_access_key_id_from_auth_header

    key = extract_access_key_id_from_auth_header(context.request.headers)
    if not key:
        credential = context.request.args.get("X-Amz-Credential", "")
        key = credential.split("/", 1)[0] if credential else None
    if not key:
        return None
    # the credentials attribute is shared by every account and region
    return sts_stores[context.account_id]["us-east-1"].credentials.get(key)


def _role(session) -> dict | None:
    from localstack.services.iam.models import iam_stores

    if ":assumed-role/" not in session.arn:
        return None
    name = session.arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
    entity = iam_stores[session.account_id]["us-east-1"].ROLES.get(name)
    if entity is None or not _checked_role(entity.role.get("AssumeRolePolicyDocument") or "{}", session.account_id):
        return None
    return entity.role


def _identity(session_arn: str) -> str:
    """The role behind an assumed-role session (arn:aws:sts::<account>:assumed-role/<name>/<session>)."""
    if ":assumed-role/" not in session_arn:
        return session_arn
    head, rest = session_arn.split(":assumed-role/", 1)
    return head.replace(":sts::", ":iam::") + ":role/" + rest.split("/", 1)[0]


@lru_cache(maxsize=1024)
def _checked_role(trust_policy: str, account: str) -> bool:
    """Whether an AWS service or another account may assume the role: the roles Lambda, Step Functions and
    EventBridge act as, and a member stack's role for the hub.

    Roles that people and tools of the account assume (the CDK's bootstrap roles, trusted by the account)
    act for whoever holds the test keys and are not checked.
    """
    return _service_principal(trust_policy) or _cross_account(trust_policy, account)


def _allowed_principals(trust_policy: str) -> list[dict]:
    statements = _document(trust_policy).get("Statement", [])
    return [s["Principal"] for s in (statements if isinstance(statements, list) else [statements])
            if s.get("Effect") == "Allow" and isinstance(s.get("Principal"), dict)]


@lru_cache(maxsize=1024)
def _service_principal(trust_policy: str) -> bool:
    return any("Service" in principal for principal in _allowed_principals(trust_policy))


@lru_cache(maxsize=1024)
def _cross_account(trust_policy: str, account: str) -> bool:
    """Whether the trust policy names a principal of another account than the role's own."""
    for principal in _allowed_principals(trust_policy):
        values = principal.get("AWS", [])
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and value != "*" and account not in value:
                return True
    return False


# --- what the role may do ---------------------------------------------------------------------------


def _policies(account: str, role_name: str) -> list[Policy]:
    from localstack.services.iam.models import iam_stores

    store = iam_stores[account]["us-east-1"]
    entity = store.ROLES.get(role_name)
    if entity is None:
        return []
    policies = [Policy(name, _document(text)) for name, text in entity.inline_policies.items()]
    for arn in entity.attached_policy_arns:
        if ":iam::aws:policy/" in arn:
            document = _aws_managed().get(arn.rsplit("/", 1)[1])
            if document:
                policies.append(Policy(arn, document))
            continue
        managed = store.MANAGED_POLICIES.get(arn)
        if managed:
            version = managed.versions.get(managed.policy.get("DefaultVersionId"))
            if version:
                policies.append(Policy(arn, _document(version["Document"])))
    return policies


@lru_cache(maxsize=2048)
def _document(text: str) -> dict:
    # LocalStack keeps documents URL-quoted, as IAM's API returns them
    return json.loads(unquote(text) if text.lstrip().startswith("%") else text)


@lru_cache(maxsize=1)
def _aws_managed() -> dict[str, dict]:
    import localstack.services.iam as iam

    path = Path(iam.__file__).parent / "resources" / "aws_managed_policies.json"
    return {name: data["Document"] for name, data in json.loads(path.read_text()).items()}


class _Lookups:
    """iam_requests.Lookups over LocalStack's stores (EC2 and Secrets Manager are moto's backends)."""

    def __init__(self, account: str, region: str):
        self.account, self.region = account, region

    def _ec2(self):
        from moto.ec2.models import ec2_backends

        return ec2_backends[self.account][self.region]

    def ec2_tags(self, resource_id: str) -> dict[str, str]:
        return dict(self._ec2().tags.get(resource_id, {}))

    def launch_template_id(self, name: str) -> str | None:
        for template in getattr(self._ec2(), "launch_templates", {}).values():
            if template.name == name:
                return template.id
        return None

    def auto_scaling_group(self, name: str) -> tuple[str, dict[str, str]] | None:
        from moto.autoscaling.models import autoscaling_backends

        group = autoscaling_backends[self.account][self.region].autoscaling_groups.get(name)
        if group is None:
            return None
        return group.arn, {tag["Key"]: tag.get("Value", "") for tag in group.tags}

    def auto_scaling_group_subnets(self, name: str) -> list[str]:
        from moto.autoscaling.models import autoscaling_backends

        group = autoscaling_backends[self.account][self.region].autoscaling_groups.get(name)
        return [s for s in (getattr(group, "vpc_zone_identifier", None) or "").split(",") if s] if group else []

    def launch_template_data(self, template_id: str, version: str | None) -> dict | None:
        templates = getattr(self._ec2(), "launch_templates", {})
        template = templates.get(template_id)
        if template is None:
            return None
        try:
            if version in (None, "", "$Default"):
                return template.default_version().data
            if version == "$Latest":
                return template.latest_version().data
            return template.get_version(version).data
        except Exception:  # a version that does not exist: Auto Scaling refuses the call on its own
            return None

    def kms_key_arn(self, alias_arn: str) -> str | None:
        from localstack.services.kms.models import kms_stores

        _, _, _, region, account, name = alias_arn.split(":", 5)
        store = kms_stores[account][region]
        alias = store.aliases.get(name)
        key = store.keys.get(alias.metadata.get("TargetKeyId")) if alias else None
        return key.metadata["Arn"] if key else None

    def instance_profile_role_arn(self, profile: dict) -> str | None:
        from localstack.services.iam.models import iam_stores

        store = iam_stores[self.account]["us-east-1"]
        wanted_arn, wanted_name = profile.get("Arn"), profile.get("Name")
        for entity in store.INSTANCE_PROFILES.values():
            found = entity.instance_profile
            if found.get("Arn") == wanted_arn or found.get("InstanceProfileName") == wanted_name:
                roles = found.get("Roles") or []
                if roles:
                    return roles[0].get("Arn")
                role = store.ROLES.get(entity.role_name) if entity.role_name else None
                return role.role["Arn"] if role else None
        return None

    def secret_arn(self, secret_id: str) -> str:
        from moto.secretsmanager.models import secretsmanager_backends

        secret = secretsmanager_backends[self.account][self.region].secrets.get(secret_id)
        if secret is not None:
            return secret.arn
        # a secret that does not exist is checked as the id the caller gave, as AWS does ("not authorized
        # to perform: secretsmanager:GetSecretValue on resource: <name>"): no ARN in a policy matches a name
        return secret_id
